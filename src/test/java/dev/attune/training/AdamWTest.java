package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** AdamW steps against the update rule written out by hand (torch.optim.AdamW, clip_grad_norm_, GradScaler). */
class AdamWTest {

    /** Gradients (0.5, -4) for the decayed pair and (2) for the plain one: d/dw of sum(w * c) is c. */
    private static void backward(NDArray decayed, NDArray plain, float factor) {
        NDManager manager = decayed.getManager();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = decayed.mul(manager.create(new float[] {0.5f * factor, -4f * factor})).sum()
                    .add(plain.mul(manager.create(new float[] {2f * factor})).sum());
            collector.backward(loss);
        }
    }

    private static NDArray parameter(NDManager manager, float... values) {
        NDArray array = manager.create(values);
        array.setRequiresGradient(true);
        return array;
    }

    @Test
    void firstStepDecaysDecoupledAndMovesByTheLearningRateTimesTheGradientSign() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray decayed = parameter(manager, 1f, -2f);
            NDArray plain = parameter(manager, 3f);
            backward(decayed, plain, 1);
            try (AdamW adamW = new AdamW(List.of(new AdamW.Trainable("w", decayed, true),
                    new AdamW.Trainable("b", plain, false)), 0.1, manager)) {
                adamW.step(0.01, 0);
                // step 1: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g², update = lr * g / (|g| + eps) = lr * sign(g)
                float[] w = decayed.toFloatArray();
                assertThat(w[0]).isCloseTo(1f * (1 - 0.01f * 0.1f) - 0.01f, within(1e-6f));
                assertThat(w[1]).isCloseTo(-2f * (1 - 0.01f * 0.1f) + 0.01f, within(1e-6f));
                assertThat(plain.toFloatArray()[0]).isCloseTo(3f - 0.01f, within(1e-6f)); // no decay
                assertThat(decayed.getGradient().abs().sum().getFloat()).as("gradients zeroed").isZero();
                assertThat(adamW.steps()).isEqualTo(1);
                assertThat(adamW.skippedSteps()).isZero();
            }
        }
    }

    @Test
    void secondStepFollowsTheMomentsWithBiasCorrectionAndClippingScalesByTheGlobalNorm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray decayed = parameter(manager, 1f, -2f);
            NDArray plain = parameter(manager, 3f);
            try (AdamW adamW = new AdamW(List.of(new AdamW.Trainable("w", decayed, true),
                    new AdamW.Trainable("b", plain, false)), 0, manager)) {
                // global norm of (0.5, -4, 2) × 2 is 9.0: clipping to 0.9 scales by 0.1 (1e-6 in the denominator)
                double norm = 2 * Math.sqrt(0.25 + 16 + 4);
                double clip = 0.9 / (norm + 1e-6);
                backward(decayed, plain, 2);
                adamW.step(0.01, 0.9);
                backward(decayed, plain, 1); // second gradient unclipped (norm 4.5 < 5)
                adamW.step(0.02, 5);
                double g1 = 2 * 2 * clip; // the plain parameter's first (clipped) gradient
                double g2 = 2;
                double m = 0.9 * 0.1 * g1 + 0.1 * g2;
                double v = 0.999 * 0.001 * g1 * g1 + 0.001 * g2 * g2;
                double mHat = m / (1 - 0.9 * 0.9);
                double vHat = v / (1 - 0.999 * 0.999);
                double expected = 3 - 0.01 - 0.02 * mHat / (Math.sqrt(vHat) + 1e-8);
                assertThat((double) plain.toFloatArray()[0]).isCloseTo(expected, within(1e-6));
            }
        }
    }

    @Test
    void aNonFiniteGradientSkipsTheStepAndHalvesADynamicScale() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray decayed = parameter(manager, 1f, -2f);
            NDArray plain = parameter(manager, 3f);
            try (AdamW adamW = new AdamW(List.of(new AdamW.Trainable("w", decayed, true),
                    new AdamW.Trainable("b", plain, false)), 0.1, manager, LossScale.dynamic())) {
                backward(decayed, plain, Float.POSITIVE_INFINITY);
                adamW.step(0.01, 1);
                assertThat(decayed.toFloatArray()).containsExactly(1f, -2f);
                assertThat(plain.toFloatArray()).containsExactly(3f);
                assertThat(adamW.skippedSteps()).isEqualTo(1);
                assertThat(adamW.steps()).isZero();
                assertThat(adamW.lossScale().scale()).isEqualTo(LossScale.INITIAL / 2);
                assertThat(decayed.getGradient().abs().sum().getFloat()).as("gradients zeroed").isZero();

                // a scaled gradient is unscaled before the step: the same update as gradients (0.5, -4), (2)
                backward(decayed, plain, (float) (LossScale.INITIAL / 2));
                adamW.step(0.01, 0);
                assertThat(plain.toFloatArray()[0]).isCloseTo(3f - 0.01f, within(1e-6f));
                assertThat(adamW.lossScale().goodSteps()).isEqualTo(1);
            }
        }
    }
}
