package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** Multi-label and regression figures on examples small enough to count by hand, with scikit-learn's conventions. */
class MultiLabelAndRegressionMetricsTest {

    @Test
    void multiLabelFiguresAtGivenThresholds() {
        // labels a, b; four texts with true sets {a}, {a,b}, {b}, {}
        int[][] truth = {{0}, {0, 1}, {1}, {}};
        float[][] p = {{0.9f, 0.2f}, {0.7f, 0.4f}, {0.6f, 0.8f}, {0.1f, 0.3f}};
        MultiLabelMetrics m = MultiLabelMetrics.of(p, truth, 0.25, List.of("a", "b"), new double[] {0.5, 0.5});
        // a: predicted for texts 0,1,2 → TP 2, FP 1, FN 0: P 2/3, R 1, F1 0.8
        // b: predicted for text 2 → TP 1, FP 0, FN 1: P 1, R 1/2, F1 2/3
        assertThat(m.perLabel().get(0).f1()).isCloseTo(0.8, within(1e-12));
        assertThat(m.perLabel().get(1).f1()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.f1Macro()).isCloseTo((0.8 + 2.0 / 3) / 2, within(1e-12));
        // pooled: TP 3, FP 1, FN 1 → F1 6/8
        assertThat(m.f1Micro()).isCloseTo(0.75, within(1e-12));
        assertThat(m.precisionMicro()).isCloseTo(0.75, within(1e-12));
        // exact sets: text 0 ({a}) and text 3 ({}) → 2 of 4; wrong cells: text 1 b, text 2 a → 2 of 8
        assertThat(m.subsetAccuracy()).isEqualTo(0.5);
        assertThat(m.hammingLoss()).isEqualTo(0.25);
        // a: positives 0.9, 0.7 above negatives 0.6, 0.1 → AUC 1; b: positives 0.4, 0.8 vs 0.2, 0.3 → AUC 1
        assertThat(m.rocAucMacro()).isEqualTo(1.0);
        assertThat(m.thresholdsTuned()).isFalse();
        assertThat(m.f1MacroAtHalf()).isEqualTo(m.f1Macro());
        assertThat(m.perLabel().get(1).support()).isEqualTo(2);
    }

    @Test
    void tunedThresholdsMaximiseEachLabelsF1() {
        int[][] truth = {{0}, {0, 1}, {1}, {}};
        float[][] p = {{0.9f, 0.2f}, {0.7f, 0.4f}, {0.6f, 0.8f}, {0.1f, 0.3f}};
        MultiLabelMetrics m = MultiLabelMetrics.of(p, truth, 0.25, List.of("a", "b"), null);
        // a: cut between 0.7 and 0.6 → threshold 0.65, F1 1; b: cut between 0.4 and 0.3 → 0.35, F1 1
        assertThat(m.thresholds().get(0)).isCloseTo(0.65, within(1e-6));
        assertThat(m.thresholds().get(1)).isCloseTo(0.35, within(1e-6));
        assertThat(m.f1Macro()).isEqualTo(1.0);
        assertThat(m.subsetAccuracy()).isEqualTo(1.0);
        assertThat(m.thresholdsTuned()).isTrue();
        assertThat(m.f1MacroAtHalf()).isCloseTo((0.8 + 2.0 / 3) / 2, within(1e-12));
    }

    @Test
    void aLabelNoTextHasKeepsThresholdOneHalfAndScoresZero() {
        MultiLabelMetrics m = MultiLabelMetrics.of(new float[][] {{0.9f, 0.7f}}, new int[][] {{0}}, 0, List.of("a", "b"), null);
        assertThat(m.perLabel().get(1).threshold()).isEqualTo(0.5);
        assertThat(m.perLabel().get(1).rocAuc()).isNull();
        assertThat(m.perLabel().get(1).f1()).isZero();
    }

    @Test
    void regressionFigures() {
        float[] predicted = {1, 2, 4, 3};
        float[] targets = {1, 3, 5, 2};
        RegressionMetrics m = RegressionMetrics.of(predicted, targets);
        // errors 0, −1, −1, 1 → MSE 3/4, MAE 3/4
        assertThat(m.loss()).isEqualTo(0.75);
        assertThat(m.mae()).isEqualTo(0.75);
        assertThat(m.rmse()).isCloseTo(Math.sqrt(0.75), within(1e-12));
        // means 2.5 and 2.75; Σdxdy = 2.625 − 0.125 + 3.375 − 0.375 = 5.5, Σdx² = 5, Σdy² = 8.75 → r = 5.5 / √43.75
        assertThat(m.pearson()).isCloseTo(5.5 / Math.sqrt(43.75), within(1e-9));
        // ranks 1,2,4,3 vs 1,3,4,2: Σd² = 0 + 1 + 0 + 1 = 2 → ρ = 1 − 6·2 / (4·15) = 0.8
        assertThat(m.spearman()).isCloseTo(0.8, within(1e-9));
        assertThat(m.score(TrainingOptions.MetricForBest.RMSE)).isEqualTo(-m.rmse());
        assertThat(m.score(TrainingOptions.MetricForBest.ACCURACY)).isNaN();
    }

    @Test
    void iterativeSplitPutsEveryLabelWithTwoOrMoreRowsIntoValidation() {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            examples.add(new Example("t" + i, new int[] {i % 2}, Float.NaN)); // two common labels
        }
        examples.add(new Example("rare1", new int[] {0, 2}, Float.NaN)); // label 2 on two rows only
        examples.add(new Example("rare2", new int[] {1, 2}, Float.NaN));
        examples.add(new Example("rare3", new int[] {3}, Float.NaN)); // label 3 on one row: cannot be in both
        LabelledData.Split split = LabelledData.iterativeSplit(examples, 0.1, 7);
        List<String> labels = List.of("a", "b", "rare", "single");
        assertThat(LabelledData.labelsMissingFrom(split.validation(), labels)).containsExactly("single");
        assertThat(LabelledData.labelsMissingFrom(split.train(), labels)).isEmpty();
        assertThat(split.train().size() + split.validation().size()).isEqualTo(examples.size());
        assertThat(split.validation().size()).isBetween(19, 23);
        long a = split.validation().stream().filter(e -> IntStream.of(e.labels()).anyMatch(l -> l == 0)).count();
        assertThat(a).isBetween(9L, 12L);
        assertThat(LabelledData.iterativeSplit(examples, 0.1, 7).validation()).extracting(Example::text)
                .containsExactlyElementsOf(split.validation().stream().map(Example::text).toList());
    }
}
