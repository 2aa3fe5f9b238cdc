package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The losses against torch's definitions, computed by hand in doubles: CrossEntropyLoss(weight=w),
 * BCEWithLogitsLoss(pos_weight=p) and MSELoss, each on a small example whose value is worked out below.
 */
class LossesTest {

    @Test
    void weightedCrossEntropyIsTheWeightedMeanOfTheNegativeLogLikelihoods() {
        float[][] logits = {{2, 1, 0}, {0, 0, 3}};
        int[] labels = {0, 2};
        double[] weights = {1, 2, 3};
        // nll₀ = log(e² + e¹ + e⁰) − 2 = 0.40761; nll₁ = log(2 + e³) − 3 = 0.09492
        // torch: Σ w[yᵢ]·nllᵢ / Σ w[yᵢ] = (1·0.40761 + 3·0.09492) / (1 + 3) = 0.17309
        double nll0 = Math.log(Math.exp(2) + Math.exp(1) + 1) - 2;
        double nll1 = Math.log(2 + Math.exp(3)) - 3;
        double expected = (weights[0] * nll0 + weights[2] * nll1) / (weights[0] + weights[2]);
        assertThat(expected).isEqualTo(0.17309, within(1e-5));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(flat(logits), new Shape(2, 3));
            assertThat(Losses.crossEntropy(x, labels, weights, manager).getFloat()).isCloseTo((float) expected, within(1e-6f));
            assertThat(Losses.crossEntropy(x, labels, manager).getFloat()).isCloseTo((float) ((nll0 + nll1) / 2), within(1e-6f));
        }
    }

    @Test
    void binaryCrossEntropyWithPosWeightMatchesTorchsFormulaAndIsStableForLargeLogits() {
        float[][] logits = {{1.5f, -2f}, {-0.5f, 40f}};
        float[] targets = {1, 0, 0, 1};
        double[] posWeights = {3, 0.5};
        // torch: ℓ = −[p·y·log σ(x) + (1 − y)·log(1 − σ(x))], averaged over all four elements
        double expected = 0;
        for (int i = 0; i < 4; i++) {
            double x = logits[i / 2][i % 2];
            double p = posWeights[i % 2];
            double y = targets[i];
            expected += -(y == 1 ? p * Math.log(sigmoid(x)) : Math.log(1 - sigmoid(x))) / 4;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(flat(logits), new Shape(2, 2));
            assertThat(Losses.binaryCrossEntropy(x, targets, posWeights, manager).getFloat())
                    .isCloseTo((float) expected, within(1e-6f));
            // a confidently wrong logit of −100 costs 100·p, not infinity
            NDArray wrong = manager.create(new float[] {-100f}, new Shape(1, 1));
            assertThat(Losses.binaryCrossEntropy(wrong, new float[] {1}, new double[] {2}, manager).getFloat())
                    .isCloseTo(200f, within(1e-3f));
        }
    }

    @Test
    void meanSquaredErrorOfOneOutputPerText() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray outputs = manager.create(new float[] {1, 2.5f, 4}, new Shape(3, 1));
            // ((1 − 2)² + (2.5 − 2.5)² + (4 − 1)²) / 3 = 10 / 3
            assertThat(Losses.meanSquaredError(outputs, new float[] {2, 2.5f, 1}, manager).getFloat())
                    .isCloseTo(10f / 3, within(1e-6f));
        }
    }

    @Test
    void gradientsFlowThroughTheWeightedLosses() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {0.3f, -0.2f}, new Shape(1, 2));
            x.setRequiresGradient(true);
            try (var collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                collector.backward(Losses.binaryCrossEntropy(x, new float[] {1, 0}, new double[] {2, 1}, manager));
            }
            // d/dx of mean over 2 elements: (p·y + 1 − y)·σ(x) − p·y, halved
            float[] gradient = x.getGradient().toFloatArray();
            assertThat((double) gradient[0]).isCloseTo(((2 * sigmoid(0.3)) - 2) / 2, within(1e-6));
            assertThat((double) gradient[1]).isCloseTo(sigmoid(-0.2) / 2, within(1e-6));
        }
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static float[] flat(float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
        }
        return flat;
    }
}
