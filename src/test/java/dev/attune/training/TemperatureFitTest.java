package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;

import dev.attune.modeling.Calibration;
import dev.attune.modeling.ProblemType;
import org.junit.jupiter.api.Test;

/** Temperature scaling on logits whose true calibration is known. */
class TemperatureFitTest {

    /**
     * Logits drawn so that softmax(z / 3) is exactly the probability of each label: the model is three times
     * overconfident, so the fitted temperature is about 3 and the calibration error falls.
     */
    @Test
    void anOverconfidentModelGetsATemperatureAboveOneAndALowerCalibrationError() {
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
        Calibration calibration = TemperatureFit.fit(logits, labels, ProblemType.SINGLE_LABEL_CLASSIFICATION);
        assertThat(calibration.temperature()).isEqualTo(3.0, within(0.3));
        assertThat(calibration.eceAfter()).isLessThan(calibration.eceBefore() / 2);
    }

    @Test
    void multiLabelThresholdsKeepTheirDecisionsInCalibratedProbabilities() {
        Calibration calibration = new Calibration(null, List.of(2.0, 0.5), 0.1, 0.05);
        List<Double> after = calibration.thresholdsAfter(List.of(0.7, 0.3));
        double logit = Math.log(0.7 / 0.3);
        assertThat(after.get(0)).isEqualTo(1 / (1 + Math.exp(-logit / 2)), within(1e-9));
        // a logit of 1.0 passes 0.7 uncalibrated exactly when its calibrated probability passes the new threshold
        double z = 1.0;
        assertThat(1 / (1 + Math.exp(-z)) >= 0.7).isEqualTo(1 / (1 + Math.exp(-z / 2)) >= after.get(0));
    }
}
