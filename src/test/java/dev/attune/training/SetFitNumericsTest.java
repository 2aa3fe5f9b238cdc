package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * SetFit's numerics against computations by hand: sentence-transformers' CosineSimilarityLoss (value and gradient),
 * the logistic-regression head (sklearn's objective: its stationary point solved in closed form, and a separable set
 * fitted to a zero gradient), and the pair sampling (deterministic by seed, balanced, labels right).
 */
class SetFitNumericsTest {

    @Test
    void cosineSimilarityLossIsTheMeanSquaredErrorBetweenCosinesAndTargetsWithItsGradient() {
        // pair 1: u (1, 0), v (1, 1): cos = 1/√2, target 0 → (1/√2)² = 0.5; pair 2: u (1, 2), v (2, 4) parallel:
        // cos = 1, target 1 → 0. Mean: 0.25.
        // ∂loss/∂u₁ = (2/2)·cos₁·∂cos₁/∂u₁, ∂cos/∂u = v/(‖u‖‖v‖) − cos·u/‖u‖² = (1,1)/√2 − (1/√2)(1,0) = (0, 1/√2),
        // so (1/√2)·(0, 1/√2) = (0, 0.5); ∂cos₂/∂u₂ = 0 at parallel vectors: (0, 0).
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray u = manager.create(new float[] {1, 0, 1, 2}, new Shape(2, 2));
            NDArray v = manager.create(new float[] {1, 1, 2, 4}, new Shape(2, 2));
            u.setRequiresGradient(true);
            try (ThreadGradients gradients = new ThreadGradients()) {
                NDArray loss = Losses.cosineSimilarityLoss(u, v, new float[] {0, 1}, manager);
                assertThat(loss.getFloat()).isCloseTo(0.25f, within(1e-6f));
                gradients.backward(loss);
            }
            assertThat(u.getGradient().toFloatArray()).containsExactly(new float[] {0, 0.5f, 0, 0}, within(1e-6f));
        }
    }

    @Test
    void theHeadIsSklearnsL2LogisticRegressionAtItsStationaryPoint() {
        // x = −1 (label 0) and x = +1 (label 1), C = 1. sklearn fits two classes with one weight w and the binary
        // loss: C·Σ log(1 + e^(−sᵢ(w xᵢ + b))) + ½ w² = 2·log(1 + e^(−w)) + ½ w² (b = 0 by symmetry), stationary
        // where w = 2·σ(−w). Solved by bisection:
        double low = 0;
        double high = 2;
        for (int i = 0; i < 200; i++) {
            double mid = (low + high) / 2;
            if (mid - 2 / (1 + Math.exp(mid)) < 0) {
                low = mid;
            } else {
                high = mid;
            }
        }
        double w = low;
        assertThat(w).isCloseTo(0.6749, within(1e-3));
        LogisticRegression.Fit fit = LogisticRegression.fit(new double[][] {{-1}, {1}}, new int[] {0, 1}, 2, 1.0);
        // returned as two softmax rows (−w/2, w/2), whose logit difference is w
        assertThat(fit.weight()[0][0]).isCloseTo(-w / 2, within(1e-6));
        assertThat(fit.weight()[1][0]).isCloseTo(w / 2, within(1e-6));
        assertThat(fit.bias()[0]).isCloseTo(0, within(1e-6));
        assertThat(fit.bias()[1]).isCloseTo(0, within(1e-6));
        // sklearn's predict_proba of x = 1: σ(w); a multinomial fit of the two classes would give σ(1.0426) = 0.7394
        assertThat(1 / (1 + Math.exp(-w))).isCloseTo(0.6626, within(1e-3));
    }

    @Test
    void aBinaryHeadWithAnInterceptMatchesTheBinaryObjectivesStationaryPoint() {
        // unbalanced: three rows of label 1 at x = 1, one of label 0 at x = −1. At the optimum the binary objective's
        // gradient is zero: Σ(σ(zᵢ) − yᵢ) = 0 for b, Σ(σ(zᵢ) − yᵢ)·xᵢ + w = 0 for w (C = 1, unscaled).
        double[][] x = {{-1}, {1}, {1}, {1}};
        int[] y = {0, 1, 1, 1};
        LogisticRegression.Fit fit = LogisticRegression.fit(x, y, 2, 1.0);
        double w = fit.weight()[1][0] - fit.weight()[0][0];
        double b = fit.bias()[1] - fit.bias()[0];
        double db = 0;
        double dw = w;
        for (int i = 0; i < x.length; i++) {
            double residual = 1 / (1 + Math.exp(-(w * x[i][0] + b))) - y[i];
            db += residual;
            dw += residual * x[i][0];
        }
        assertThat(db).isCloseTo(0, within(1e-6));
        assertThat(dw).isCloseTo(0, within(1e-6));
        assertThat(b).as("more rows of label 1: a positive intercept").isPositive();
    }

    @Test
    void theHeadFitsASeparableThreeClassSetToAZeroGradient() {
        double[][] x = {{2, 0}, {3, 0.5}, {0, 2}, {0.5, 3}, {-2, -2}, {-3, -2.5}};
        int[] y = {0, 0, 1, 1, 2, 2};
        LogisticRegression.Fit fit = LogisticRegression.fit(x, y, 3, 1.0);
        assertThat(fit.gradientNorm()).isLessThan(1e-6);
        for (int i = 0; i < x.length; i++) {
            int best = 0;
            double bestLogit = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 3; k++) {
                double logit = fit.bias()[k] + fit.weight()[k][0] * x[i][0] + fit.weight()[k][1] * x[i][1];
                if (logit > bestLogit) {
                    bestLogit = logit;
                    best = k;
                }
            }
            assertThat(best).as("row " + i).isEqualTo(y[i]);
        }
        // the intercepts move only by the loss, whose gradient sums to 0 over classes: they stay centred, as sklearn's
        assertThat(fit.bias()[0] + fit.bias()[1] + fit.bias()[2]).isCloseTo(0, within(1e-9));
        // the weights' L2 penalty makes every column of W sum to 0 at the optimum (ΣₖWₖ ∝ Σᵢ Σₖ (pᵢₖ − yᵢₖ) xᵢ = 0)
        assertThat(fit.weight()[0][0] + fit.weight()[1][0] + fit.weight()[2][0]).isCloseTo(0, within(1e-6));
    }

    @Test
    void multiLabelPairsShareALabelOrNoneAsSetFitDrawsThem() {
        int[][] labels = {{0}, {0, 1}, {1}, {2}, {2}, {0, 2}, {}};
        List<PairSampler.Pair> pairs = PairSampler.sampleMultiLabel(labels, 3, 10, 3);
        assertThat(PairSampler.sampleMultiLabel(labels, 3, 10, 3)).isEqualTo(pairs);
        assertThat(PairSampler.sampleMultiLabel(labels, 3, 10, 4)).isNotEqualTo(pairs);
        for (PairSampler.Pair pair : pairs) {
            java.util.Set<Integer> first = java.util.Arrays.stream(labels[pair.first()]).boxed()
                    .collect(java.util.stream.Collectors.toSet());
            boolean shared = java.util.Arrays.stream(labels[pair.second()]).anyMatch(first::contains);
            assertThat(shared).as(pair.toString()).isEqualTo(pair.target() == 1f);
        }
        // five positive and five negative rounds: every labelled row anchors 5 positives and 5 negatives; the row
        // without labels anchors only negatives (setfit skips its positives)
        for (int anchor = 0; anchor < labels.length; anchor++) {
            int a = anchor;
            assertThat(pairs.stream().filter(p -> p.first() == a && p.target() == 1f))
                    .hasSize(labels[a].length == 0 ? 0 : 5);
            assertThat(pairs.stream().filter(p -> p.first() == a && p.target() == 0f)).hasSize(5);
        }
        assertThatThrownBy(() -> PairSampler.sampleMultiLabel(new int[][] {{0, 1}, {0}, {1, 0}}, 2, 4, 1))
                .as("every row shares a label with every other: no negative exists")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pairsAreDeterministicBySeedBalancedAndLabelledRight() {
        int[] labels = {0, 0, 0, 1, 1, 2, 2, 2, 2};
        List<PairSampler.Pair> pairs = PairSampler.sample(labels, 20, 7);
        assertThat(PairSampler.sample(labels, 20, 7)).isEqualTo(pairs);
        assertThat(PairSampler.sample(labels, 20, 8)).isNotEqualTo(pairs);
        assertThat(pairs).hasSize(labels.length * 20);
        assertThat(pairs.stream().filter(p -> p.target() == 1f)).hasSize(labels.length * 10);
        for (int anchor = 0; anchor < labels.length; anchor++) {
            int a = anchor;
            assertThat(pairs.stream().filter(p -> p.first() == a && p.target() == 1f)).hasSize(10);
            assertThat(pairs.stream().filter(p -> p.first() == a && p.target() == 0f)).hasSize(10);
        }
        for (PairSampler.Pair pair : pairs) {
            assertThat(labels[pair.first()] == labels[pair.second()]).as(pair.toString()).isEqualTo(pair.target() == 1f);
            assertThat(pair.first()).as("every class has two rows: no pair with itself").isNotEqualTo(pair.second());
        }
        // shuffled: positives and negatives are mixed through the list, not in blocks
        assertThat(pairs.subList(0, 40).stream().filter(p -> p.target() == 1f).count()).isBetween(10L, 30L);
        assertThatThrownBy(() -> PairSampler.sample(new int[] {0, 0}, 20, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void partnersAreDrawnUniformly() {
        int[] labels = {0, 0, 0, 0, 1, 1, 1, 1};
        int[] asPartner = new int[labels.length];
        for (PairSampler.Pair pair : PairSampler.sample(labels, 1000, new Random(3).nextLong())) {
            if (pair.first() == 0 && pair.target() == 1f) {
                asPartner[pair.second()]++;
            }
        }
        // 500 positives of row 0 over rows 1..3: about 167 each
        assertThat(asPartner[0]).isZero();
        for (int i = 1; i < 4; i++) {
            assertThat(asPartner[i]).isBetween(120, 215);
        }
    }
}
