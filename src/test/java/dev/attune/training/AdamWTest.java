package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** One AdamW step against the update rule written out by hand (torch.optim.AdamW). */
class AdamWTest {

    @Test
    void firstStepDecaysDecoupledAndMovesByTheLearningRateTimesTheGradientSign() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray decayed = manager.create(new float[] {1f, -2f});
            NDArray plain = manager.create(new float[] {3f});
            decayed.setRequiresGradient(true);
            plain.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                // d/dw of sum(w * c) is c: gradients (0.5, -4) and (2)
                NDArray loss = decayed.mul(manager.create(new float[] {0.5f, -4f})).sum()
                        .add(plain.mul(2f).sum());
                collector.backward(loss);
            }
            try (AdamW adamW = new AdamW(List.of(new AdamW.Trainable("w", decayed, true),
                    new AdamW.Trainable("b", plain, false)), 0.1, manager)) {
                double norm = adamW.gradientNorm();
                assertThat(norm).isCloseTo(Math.sqrt(0.25 + 16 + 4), within(1e-5));
                adamW.step(0.01, 1.0);
                // step 1: m = 0.1 g, v = 0.001 g², m̂ = g, v̂ = g², update = lr * g / (|g| + eps') = lr * sign(g)
                float[] w = decayed.toFloatArray();
                assertThat(w[0]).isCloseTo(1f * (1 - 0.01f * 0.1f) - 0.01f, within(1e-6f));
                assertThat(w[1]).isCloseTo(-2f * (1 - 0.01f * 0.1f) + 0.01f, within(1e-6f));
                assertThat(plain.toFloatArray()[0]).isCloseTo(3f - 0.01f, within(1e-6f)); // no decay
                assertThat(decayed.getGradient().abs().sum().getFloat()).as("gradients zeroed").isZero();
            }
        }
    }
}
