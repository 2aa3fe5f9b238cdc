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

    /**
     * A learnable sentence-pair CSV (header text,text_pair,label): the label ("agrees" or "disagrees") follows
     * the sentiment words of the second text only; the first text has sentiment words of either kind at random.
     * A model that did not read the pair could not beat chance.
     */
    public static String pairsCsv(int rows, long seed) {
        String[] single = csv(rows, seed).split("\n");
        String[] noise = csv(rows, seed + 1000).split("\n");
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("text,text_pair,label\n");
        for (int i = 1; i <= rows; i++) {
            String[] pair = single[i].split(",");
            String[] premise = noise[1 + random.nextInt(rows)].split(",");
            csv.append(premise[0]).append(',').append(pair[0]).append(',')
                    .append(pair[1].equals("positive") ? "agrees" : "disagrees").append('\n');
        }
        return csv.toString();
    }

    /**
     * A learnable multi-label CSV (header text,labels): each text mentions one or two of three topics —
     * joy, anger, surprise — and carries exactly the labels of the topics it mentions, joined by ",".
     */
    public static String multiLabelCsv(int rows, long seed) {
        String[][] words = {{"great", "fun", "wonderful", "charming"}, {"awful", "hate", "furious", "worst"},
                {"wow", "whoa", "unexpected", "suddenly"}};
        String[] topics = {"joy", "anger", "surprise"};
        String[] filler = {"a", "the", "movie", "film", "story", "is", "was", "and", "with"};
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("text,labels\n");
        for (int i = 0; i < rows; i++) {
            int first = i % 3;
            int second = i % 4 == 0 ? (first + 1 + random.nextInt(2)) % 3 : -1;
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 3 + random.nextInt(4); w++) {
                text.append(filler[random.nextInt(filler.length)]).append(' ');
            }
            text.append(words[first][random.nextInt(4)]);
            if (second >= 0) {
                text.append(' ').append(filler[random.nextInt(filler.length)]).append(' ').append(words[second][random.nextInt(4)]);
            }
            String labels = second < 0 ? topics[first] : "\"" + topics[first] + "," + topics[second] + "\"";
            csv.append(text).append(',').append(labels).append('\n');
        }
        return csv.toString();
    }

    /** A learnable regression CSV (header text,stars): stars = 1 + the number of positive words (0 to 4). */
    public static String starsCsv(int rows, long seed) {
        String[] positive = {"great", "good", "wonderful", "fun", "charming", "best"};
        String[] filler = {"a", "the", "movie", "film", "story", "is", "was", "and", "with"};
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("text,stars\n");
        for (int i = 0; i < rows; i++) {
            int good = i % 5;
            StringBuilder text = new StringBuilder("the film");
            for (int w = 0; w < good; w++) {
                text.append(' ').append(filler[random.nextInt(filler.length)]).append(' ')
                        .append(positive[random.nextInt(positive.length)]);
            }
            csv.append(text).append(',').append(1 + good).append('\n');
        }
        return csv.toString();
    }
}
