package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** torch.amp.GradScaler's rule as AdamW's device step applies it: halve and skip on overflow, double after a run. */
class LossScaleTest {

    private static void step(AdamW adamW, NDArray weight, float gradient) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(weight.mul(weight.getManager().create(new float[] {gradient})).sum());
        }
        adamW.step(1e-3, 1);
    }

    @Test
    void anOverflowSkipsTheStepAndHalvesTheScaleAndRestartsTheCount() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(new float[] {1f});
            weight.setRequiresGradient(true);
            try (AdamW adamW = new AdamW(List.of(new AdamW.Trainable("w", weight, true)), 0, manager,
                    LossScale.dynamic())) {
                assertThat(adamW.lossScale().scale()).isEqualTo(65536);
                step(adamW, weight, Float.NaN);
                assertThat(adamW.lossScale().scale()).isEqualTo(32768);
                step(adamW, weight, 1);
                assertThat(adamW.lossScale().goodSteps()).isEqualTo(1);
                step(adamW, weight, Float.POSITIVE_INFINITY);
                assertThat(adamW.lossScale().goodSteps()).as("an overflow restarts the count").isZero();
                assertThat(adamW.lossScale().scale()).isEqualTo(16384);
                assertThat(adamW.skippedSteps()).isEqualTo(2);
            }
        }
    }

    @Test
    void aRunOfGoodStepsDoublesTheScale() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(new float[] {1f});
            weight.setRequiresGradient(true);
            try (AdamW adamW = new AdamW(List.of(new AdamW.Trainable("w", weight, true)), 0, manager,
                    LossScale.restored(1024, LossScale.GROWTH_INTERVAL - 1))) {
                step(adamW, weight, 1);
                assertThat(adamW.lossScale().scale()).isEqualTo(2048);
                assertThat(adamW.lossScale().goodSteps()).isZero();
            }
        }
    }

    @Test
    void withoutLossScalingTheScaleIsOne() {
        assertThat(LossScale.NONE.scale()).isEqualTo(1);
        assertThat(LossScale.NONE.isDynamic()).isFalse();
    }
}
