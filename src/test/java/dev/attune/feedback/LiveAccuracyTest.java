package dev.attune.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Wilson's interval against its closed forms at the edges and a textbook value. */
class LiveAccuracyTest {

    @Test
    void noneRightOfTenReachesUpToZSquaredOverNPlusZSquared() {
        double z2 = LiveAccuracy.Z95 * LiveAccuracy.Z95;
        double[] interval = LiveAccuracy.wilson(0, 10, LiveAccuracy.Z95);
        assertThat(interval[0]).isZero();
        assertThat(interval[1]).isCloseTo(z2 / (10 + z2), within(1e-12)); // 0.2775
    }

    @Test
    void allRightOfTenStartsAtNOverNPlusZSquared() {
        double z2 = LiveAccuracy.Z95 * LiveAccuracy.Z95;
        double[] interval = LiveAccuracy.wilson(10, 10, LiveAccuracy.Z95);
        assertThat(interval[0]).isCloseTo(10 / (10 + z2), within(1e-12)); // 0.7225
        assertThat(interval[1]).isEqualTo(1.0);
    }

    @Test
    void halfRightOfAHundredIsSymmetricAroundAHalf() {
        double[] interval = LiveAccuracy.wilson(50, 100, LiveAccuracy.Z95);
        // statsmodels proportion_confint(50, 100, method="wilson"): (0.40383, 0.59617)
        assertThat(interval[0]).isCloseTo(0.40383, within(1e-5));
        assertThat(interval[1]).isCloseTo(0.59617, within(1e-5));
    }
}
