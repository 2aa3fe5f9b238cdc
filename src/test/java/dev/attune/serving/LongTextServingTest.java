package dev.attune.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.djl.Device;
import dev.attune.errors.TooLarge;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.EncodedBatch;
import dev.attune.modeling.LongText;
import dev.attune.modeling.TextEncoder;
import dev.attune.modeling.WindowRule;
import dev.attune.support.Golden;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Long texts read in windows (issue 32): the windows are averaged as a hand computation says, a request with more
 * windows than a micro-batch runs in bounded passes with the same answer, and the limits refuse before any work.
 */
class LongTextServingTest {

    private static final int MAX_LENGTH = 16;
    private static final WindowRule SLIDING = new WindowRule(LongText.SLIDING_WINDOW, 4);

    static ClassifierModel model;

    @BeforeAll
    static void load() {
        model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static String words(int count, long seed) {
        java.util.Random random = new java.util.Random(seed);
        List<String> vocabulary = List.of("good", "bad", "movie", "plot", "the", "a", "witty", "dull", "fun", "mess");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : " ").append(vocabulary.get(random.nextInt(vocabulary.size())));
        }
        return text.toString();
    }

    @Test
    void aTextsScoreIsTheSoftmaxOfItsWindowsMeanLogitsComputedByHand() {
        String text = words(40, 1);
        List<TextEncoder.Tokens> windows = model.textEncoder()
                .windows(List.of(text), null, MAX_LENGTH, LongText.SLIDING_WINDOW, 4).get(0);
        assertThat(windows.size()).isGreaterThan(3);
        double[] mean = new double[2];
        for (TextEncoder.Tokens window : windows) { // each window alone, no padding: its own logits
            float[] logits = model.logits(EncodedBatch.of(List.of(window), model.textEncoder().padId()))[0];
            for (int c = 0; c < 2; c++) {
                mean[c] += logits[c] / windows.size();
            }
        }
        double positive = Math.exp(mean[1]) / (Math.exp(mean[0]) + Math.exp(mean[1]));

        float[] served = model.outputsOfWindows(List.of(windows))[0];

        assertThat((double) served[1]).isCloseTo(positive, within(1e-5));
    }

    @Test
    void aRequestWithMoreWindowsThanAMicroBatchRunsInPassesOfAtMostBatchSizeWithTheSameAnswers() {
        List<Integer> passes = Collections.synchronizedList(new ArrayList<>());
        List<String> texts = List.of(words(120, 2), "a witty movie", words(60, 3));
        List<List<TextEncoder.Tokens>> windows = model.textEncoder().windows(texts, null, MAX_LENGTH, SLIDING.rule(),
                SLIDING.stride());
        int total = windows.stream().mapToInt(List::size).sum();
        assertThat(total).isGreaterThan(40);
        float[][] onePass = model.outputsOfWindows(windows);

        try (MicroBatcher batcher = new MicroBatcher(model, 8, Duration.ofMillis(1), passes::add, "test")) {
            List<Prediction> chunked = batcher.runInChunks(windows);

            assertThat(passes).hasSize((total + 7) / 8).allMatch(size -> size <= 8);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(chunked.get(i).probabilities().get("positive")).as("text %d", i)
                        .isCloseTo(onePass[i][1], within(1e-5));
                assertThat(chunked.get(i).windows()).isEqualTo(windows.get(i).size() > 1 ? windows.get(i).size() : null);
            }
        }
    }

    @Test
    void aTextNeedingMoreWindowsThanAllowedIsRefusedNamingTheSetting() {
        RequestLimits limits = new RequestLimits(10, 100_000);
        String longText = words(20_000, 4); // about 20,000 windows at stride 1: none is built

        long start = System.nanoTime();
        assertThatThrownBy(() -> limits.windows(model.textEncoder(), List.of("fine", longText), null, MAX_LENGTH,
                new WindowRule(LongText.SLIDING_WINDOW, 1)))
                .isInstanceOf(TooLarge.class)
                .hasMessageContaining("Text 1").hasMessageContaining("attune.predict.max-windows-per-text");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

        List<List<TextEncoder.Tokens>> allowed = limits.windows(model.textEncoder(), List.of(words(30, 5)), null,
                MAX_LENGTH, new WindowRule(LongText.SLIDING_WINDOW, 4));
        assertThat(allowed.get(0).size()).isBetween(2, 10);
    }

    @Test
    void theWindowCountCheckedMatchesTheWindowsBuilt() {
        for (int words : List.of(1, 13, 14, 15, 16, 40, 97)) {
            for (int stride : List.of(1, 3, 7, 14)) {
                String text = words(words, words * 31L + stride);
                int built = model.textEncoder().windows(List.of(text), null, MAX_LENGTH, LongText.SLIDING_WINDOW, stride)
                        .get(0).size();
                assertThat(model.textEncoder().windows(List.of(text), null, MAX_LENGTH, LongText.SLIDING_WINDOW, stride,
                        built).get(0)).hasSize(built);
                if (built > 1) { // a text that fits is one window whatever the limit
                    assertThatThrownBy(() -> model.textEncoder().windows(List.of(text), null, MAX_LENGTH,
                            LongText.SLIDING_WINDOW, stride, built - 1)).as("%d words, stride %d", words, stride)
                            .isInstanceOf(dev.attune.modeling.TooManyWindowsException.class);
                }
            }
        }
    }

    @Test
    void tooManyTokensInOneRequestIsRefusedNamingTheSetting() {
        RequestLimits limits = new RequestLimits(1000, 200);
        assertThatThrownBy(() -> limits.windows(model.textEncoder(), List.of(words(100, 6), words(100, 7)), null,
                MAX_LENGTH, SLIDING))
                .isInstanceOf(TooLarge.class).hasMessageContaining("attune.predict.max-tokens-per-request");
    }
}
