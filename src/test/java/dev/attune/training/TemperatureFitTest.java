package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;

import dev.attune.modeling.Calibration;
import dev.attune.modeling.ModelOutputs;
import dev.attune.modeling.ProblemType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Temperature scaling on logits whose true calibration is known. */
class TemperatureFitTest {

    private static final ProblemType SINGLE = ProblemType.SINGLE_LABEL_CLASSIFICATION;
    private static final ProblemType MULTI = ProblemType.MULTI_LABEL_CLASSIFICATION;

    /**
     * Logits drawn so that softmax(z / 3) is exactly the probability of each label: the model is three times
     * overconfident, so the temperature fitted on half the rows is about 3, and it lowers the calibration error on
     * the other half: it is applied.
     */
    @Test
    void anOverconfidentModelGetsATemperatureAboveOneAppliedForALowerHeldOutCalibrationError() {
        Random random = new Random(7);
        int n = 4000;
        float[][] logits = new float[n][];
        int[][] labels = new int[n][];
        for (int i = 0; i < n; i++) {
            double margin = random.nextGaussian() * 1.5; // the calibrated logit difference
            double p1 = 1 / (1 + Math.exp(-margin));
            labels[i] = new int[] {random.nextDouble() < p1 ? 1 : 0};
            logits[i] = new float[] {0, (float) (3 * margin)};
        }
        Calibration calibration = TemperatureFit.fit(logits, labels, SINGLE, 42);
        assertThat(calibration.temperature()).isEqualTo(3.0, within(0.3));
        assertThat(calibration.fitRows()).isEqualTo(2000);
        assertThat(calibration.measuredRows()).as("judged on the rows it was not fitted on").isEqualTo(2000);
        assertThat(calibration.eceAfter()).isLessThan(calibration.eceBefore() / 2);
        assertThat(calibration.applied()).isTrue();
        assertThat(calibration.inEffect()).isTrue();
        assertThat(calibration.reason()).startsWith("applied");
        assertThat(calibration.apply(logits)[0][1]).isEqualTo(logits[0][1] / calibration.temperature().floatValue(),
                within(1e-5f));
    }

    /**
     * Issue 32, defect 11: a population where the likelihood's temperature hurts. Most rows are calibrated as they
     * are; a few are very confident (margin 10) and wrong one time in four. Those few pull the fitted temperature to
     * about 4, which makes the many calibrated rows underconfident: the calibration error on the held-out rows rises
     * (about 0.05 to 0.16), so the temperature is not applied, and the calibration says why.
     */
    @Test
    void aTemperatureThatRaisesTheHeldOutCalibrationErrorIsNotApplied() {
        Random random = new Random(3);
        int n = 4000;
        float[][] logits = new float[n][];
        int[][] labels = new int[n][];
        for (int i = 0; i < n; i++) {
            if (i % 20 < 17) {
                double margin = random.nextGaussian() * 1.5;
                labels[i] = new int[] {random.nextDouble() < 1 / (1 + Math.exp(-margin)) ? 1 : 0};
                logits[i] = new float[] {0, (float) margin};
            } else {
                int side = random.nextBoolean() ? 1 : 0;
                labels[i] = new int[] {random.nextDouble() < 0.75 ? side : 1 - side};
                logits[i] = new float[] {0, side == 1 ? 10f : -10f};
            }
        }
        Calibration calibration = TemperatureFit.fit(logits, labels, SINGLE, 42);
        assertThat(calibration.temperature()).isGreaterThan(2);
        assertThat(calibration.eceAfter()).isGreaterThan(calibration.eceBefore());
        assertThat(calibration.applied()).isFalse();
        assertThat(calibration.inEffect()).isFalse();
        assertThat(calibration.reason()).startsWith("not applied").contains("held-out", "uncalibrated");
        assertThat(calibration.apply(logits)).as("served uncalibrated").isSameAs(logits);
        assertThat(TemperatureFit.fit(logits, labels, SINGLE, 42)).as("the split follows the seed").isEqualTo(calibration);
        assertThat(TemperatureFit.fit(logits, labels, SINGLE, 43).eceBefore()).as("another seed, another split")
                .isNotEqualTo(calibration.eceBefore());
    }

    /**
     * Three classes whose calibrated logits are known: the model's logits are those times T (so logits / T gives
     * them back), each row's label drawn from their softmax. The fit recovers T.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.5, 2.5})
    void theFitRecoversAKnownTemperatureOfASingleLabelModel(double known) {
        Random random = new Random(11);
        int n = 20_000;
        float[][] logits = new float[n][3];
        int[][] labels = new int[n][];
        for (int i = 0; i < n; i++) {
            float[] calibrated = new float[3];
            for (int c = 0; c < 3; c++) {
                calibrated[c] = (float) (random.nextGaussian() * 2);
                logits[i][c] = (float) (calibrated[c] * known);
            }
            float[] p = ModelOutputs.softmax(calibrated);
            double u = random.nextDouble();
            labels[i] = new int[] {u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2};
        }
        assertThat(TemperatureFit.temperatures(logits, labels, SINGLE)[0]).isEqualTo(known, within(0.05 * known));
        Calibration judged = TemperatureFit.fit(logits, labels, SINGLE, 5);
        assertThat(judged.temperature()).isEqualTo(known, within(0.08 * known));
        assertThat(judged.inEffect()).as(judged.reason()).isTrue();
    }

    /**
     * Each label its own known temperature (under- and overconfident), each label present with its sigmoid; a fourth
     * label no row has keeps temperature 1 (its likelihood would only grow as its temperature fell).
     */
    @Test
    void theFitRecoversEachLabelsKnownTemperatureOfAMultiLabelModel() {
        double[] known = {0.5, 1.5, 3.0};
        Random random = new Random(13);
        int n = 20_000;
        float[][] logits = new float[n][4];
        int[][] labels = new int[n][];
        for (int i = 0; i < n; i++) {
            List<Integer> present = new java.util.ArrayList<>();
            for (int c = 0; c < 3; c++) {
                double calibrated = random.nextGaussian() * 2 - 0.5;
                logits[i][c] = (float) (calibrated * known[c]);
                if (random.nextDouble() < 1 / (1 + Math.exp(-calibrated))) {
                    present.add(c);
                }
            }
            logits[i][3] = (float) (-3 + random.nextGaussian());
            labels[i] = present.stream().mapToInt(Integer::intValue).toArray();
        }
        double[] fitted = TemperatureFit.temperatures(logits, labels, MULTI);
        for (int c = 0; c < 3; c++) {
            assertThat(fitted[c]).as("label " + c).isEqualTo(known[c], within(0.05 * known[c]));
        }
        assertThat(fitted[3]).as("a label no row has").isEqualTo(1.0);
        Calibration judged = TemperatureFit.fit(logits, labels, MULTI, 5);
        assertThat(judged.temperature()).isNull();
        assertThat(judged.temperatures()).hasSize(4);
        for (int c = 0; c < 3; c++) {
            assertThat(judged.temperatures().get(c)).isEqualTo(known[c], within(0.08 * known[c]));
        }
        assertThat(judged.eceAfter()).isLessThan(judged.eceBefore());
        assertThat(judged.inEffect()).isTrue();
    }

    @Test
    void multiLabelThresholdsKeepTheirDecisionsInCalibratedProbabilities() {
        Calibration calibration = new Calibration(null, List.of(2.0, 0.5), 0.1, 0.05, true, 10, 10, "applied");
        List<Double> after = calibration.thresholdsAfter(List.of(0.7, 0.3));
        double logit = Math.log(0.7 / 0.3);
        assertThat(after.get(0)).isEqualTo(1 / (1 + Math.exp(-logit / 2)), within(1e-9));
        // a logit of 1.0 passes 0.7 uncalibrated exactly when its calibrated probability passes the new threshold
        double z = 1.0;
        assertThat(1 / (1 + Math.exp(-z)) >= 0.7).isEqualTo(1 / (1 + Math.exp(-z / 2)) >= after.get(0));
        Calibration notApplied = new Calibration(null, List.of(2.0, 0.5), 0.05, 0.1, false, 10, 10, "not applied");
        assertThat(notApplied.thresholdsAfter(List.of(0.7, 0.3))).containsExactly(0.7, 0.3);
    }
}
