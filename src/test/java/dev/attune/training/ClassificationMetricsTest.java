package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Evaluation figures against a hand computation on a small fixed example. */
class ClassificationMetricsTest {

    @Test
    void threeClassFiguresEqualTheHandComputation() {
        // true:      a a a b b c c c c c
        // predicted: a a b b c c c c a b
        int[] labels = {0, 0, 0, 1, 1, 2, 2, 2, 2, 2};
        int[] predicted = {0, 0, 1, 1, 2, 2, 2, 2, 0, 1};
        ClassificationMetrics m = ClassificationMetrics.of(labels, oneHot(predicted, 3), 0.5, List.of("a", "b", "c"));

        assertThat(m.confusionMatrix()).isDeepEqualTo(new int[][] {{2, 1, 0}, {0, 1, 1}, {1, 1, 3}});
        assertThat(m.accuracy()).isCloseTo(6 / 10.0, within(1e-12));
        // a: P 2/3, R 2/3; b: P 1/3, R 1/2; c: P 3/4, R 3/5
        assertThat(m.perClass().get(0).precision()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(m.perClass().get(1).recall()).isCloseTo(0.5, within(1e-12));
        assertThat(m.perClass().get(2).f1()).isCloseTo(2 * 0.75 * 0.6 / 1.35, within(1e-12));
        assertThat(m.perClass().get(2).support()).isEqualTo(5);
        assertThat(m.precisionMacro()).isCloseTo((2 / 3.0 + 1 / 3.0 + 0.75) / 3, within(1e-12));
        assertThat(m.recallMacro()).isCloseTo((2 / 3.0 + 0.5 + 0.6) / 3, within(1e-12));
        double f1a = 2 / 3.0;
        double f1b = 2 * (1 / 3.0) * 0.5 / (1 / 3.0 + 0.5);
        double f1c = 2 * 0.75 * 0.6 / 1.35;
        assertThat(m.f1Macro()).isCloseTo((f1a + f1b + f1c) / 3, within(1e-12));
        assertThat(m.rocAuc()).isNull();
        assertThat(m.loss()).isEqualTo(0.5);
    }

    @Test
    void classNeverPredictedHasZeroPrecisionNotNaN() {
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 1}, oneHot(new int[] {0, 0}, 2), 1, List.of("n", "p"));
        assertThat(m.perClass().get(1).precision()).isZero();
        assertThat(m.perClass().get(1).f1()).isZero();
    }

    @Test
    void rocAucIsTheRankStatisticWithTiesCountingHalf() {
        // positives score 0.9, 0.4; negatives 0.4, 0.1: pairs (0.9>0.4) (0.9>0.1) (0.4=0.4 → ½) (0.4>0.1) = 3.5 / 4
        int[] labels = {1, 1, 0, 0};
        float[][] probabilities = {{0.1f, 0.9f}, {0.6f, 0.4f}, {0.6f, 0.4f}, {0.9f, 0.1f}};
        assertThat(ClassificationMetrics.of(labels, probabilities, 0, List.of("n", "p")).rocAuc())
                .isCloseTo(3.5 / 4, within(1e-12));
    }

    private static float[][] oneHot(int[] predicted, int classes) {
        float[][] p = new float[predicted.length][classes];
        for (int i = 0; i < predicted.length; i++) {
            p[i][predicted[i]] = 1;
        }
        return p;
    }
}
