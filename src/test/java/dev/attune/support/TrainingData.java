package dev.attune.support;

import java.util.Random;

/** A small, learnable sentiment CSV: the label follows the sentiment words in each text. */
public final class TrainingData {

    private TrainingData() {
    }

    public static String csv(int rows, long seed) {
        String[] positive = {"great", "good", "wonderful", "fun", "charming", "best"};
        String[] negative = {"bad", "awful", "dull", "boring", "worst", "mess"};
        String[] filler = {"a", "the", "movie", "film", "story", "is", "was", "and", "with"};
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("text,label\n");
        for (int i = 0; i < rows; i++) {
            boolean good = i % 2 == 1;
            String[] words = good ? positive : negative;
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 3 + random.nextInt(8); w++) {
                text.append(random.nextInt(3) == 0 ? words[random.nextInt(words.length)]
                        : filler[random.nextInt(filler.length)]).append(' ');
            }
            text.append(words[random.nextInt(words.length)]);
            csv.append(text).append(',').append(good ? "positive" : "negative").append('\n');
        }
        return csv.toString();
    }
}
