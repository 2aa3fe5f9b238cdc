package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** torch.amp.GradScaler's rule: halve and skip on overflow, double after a run of good steps. */
class LossScaleTest {

    @Test
    void anOverflowSkipsTheStepAndHalvesTheScale() {
        LossScale scale = LossScale.dynamic();
        assertThat(scale.scale()).isEqualTo(65536);
        assertThat(scale.update(false)).isFalse();
        assertThat(scale.scale()).isEqualTo(32768);
        assertThat(scale.update(true)).isTrue();
        assertThat(scale.goodSteps()).isEqualTo(1);
        assertThat(scale.update(false)).isFalse();
        assertThat(scale.goodSteps()).as("an overflow restarts the count").isZero();
    }

    @Test
    void aRunOfGoodStepsDoublesTheScale() {
        LossScale scale = LossScale.restored(1024, LossScale.GROWTH_INTERVAL - 1);
        assertThat(scale.update(true)).isTrue();
        assertThat(scale.scale()).isEqualTo(2048);
        assertThat(scale.goodSteps()).isZero();
    }

    @Test
    void withoutLossScalingNothingIsEverSkipped() {
        assertThat(LossScale.NONE.update(false)).isTrue();
        assertThat(LossScale.NONE.scale()).isEqualTo(1);
        assertThat(LossScale.NONE.isDynamic()).isFalse();
    }
}
