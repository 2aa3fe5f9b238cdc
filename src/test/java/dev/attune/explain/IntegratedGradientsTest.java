package dev.attune.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The hand check: on a function linear in the embeddings, integrated gradients are the closed form. */
class IntegratedGradientsTest {

    private static final int TOKENS = 5;
    private static final int DIM = 7;

    @Test
    void attributionsOfALinearFunctionEqualTheClosedFormAtAnySteps() {
        Random random = new Random(7);
        float[] x = random(random, TOKENS * DIM);
        float[] baseline = random(random, TOKENS * DIM);
        float[] w = random(random, TOKENS * DIM);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray input = manager.create(x, new Shape(TOKENS, DIM));
            NDArray base = manager.create(baseline, new Shape(TOKENS, DIM));
            NDArray weights = manager.create(w, new Shape(TOKENS, DIM));
            for (int steps : new int[] {2, 3, 32, 50}) {
                for (int perPass : new int[] {1, 7, 64}) {
                    // F(e) = Σ_{t,h} e_{t,h} w_{t,h} + 3: its gradient is w everywhere on the path
                    IntegratedGradients.Result result = IntegratedGradients.attribute(input, base,
                            points -> points.mul(weights).sum(new int[] {1, 2}).add(3f), steps, perPass);

                    double total = 0;
                    for (int t = 0; t < TOKENS; t++) {
                        double closedForm = 0; // (x − x')·w over the token's dimensions
                        for (int h = 0; h < DIM; h++) {
                            int i = t * DIM + h;
                            closedForm += (x[i] - baseline[i]) * w[i];
                        }
                        total += closedForm;
                        assertThat(result.attributions()[t]).as("token %d, steps %d, per pass %d", t, steps, perPass)
                                .isCloseTo((float) closedForm, within(1e-4f));
                    }
                    assertThat(result.difference()).isCloseTo(total, within(1e-4));
                    assertThat(result.completenessError()).isLessThan(1e-4);
                }
            }
        }
    }

    @Test
    void aNonLinearFunctionComesCloserToCompletenessWithMoreSteps() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray input = manager.create(random(new Random(3), TOKENS * DIM), new Shape(TOKENS, DIM));
            NDArray base = input.zerosLike();
            double coarse = IntegratedGradients.attribute(input, base,
                    points -> points.exp().sum(new int[] {1, 2}), 3, 8).completenessError();
            double fine = IntegratedGradients.attribute(input, base,
                    points -> points.exp().sum(new int[] {1, 2}), 64, 8).completenessError();
            assertThat(coarse).isGreaterThan(1e-3);
            assertThat(fine).isLessThan(coarse / 100); // trapezoid error falls as 1/steps²
        }
    }

    private static float[] random(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
