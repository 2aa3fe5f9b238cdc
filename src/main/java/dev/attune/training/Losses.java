package dev.attune.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.attune.modeling.Scalars;

/**
 * Loss functions, as torch.nn.functional computes them. Constants come from host arrays created in the
 * batch's scope, never from DJL's {@code op(Number)} forms (see {@link Scalars}).
 */
public final class Losses {

    private Losses() {
    }

    /** Mean cross-entropy of (B, C) logits against label ids: torch.nn.CrossEntropyLoss(). */
    public static NDArray crossEntropy(NDArray logits, int[] labels, NDManager scope) {
        return crossEntropy(logits, labels, null, scope);
    }

    /**
     * Cross-entropy with per-class weights: torch.nn.CrossEntropyLoss(weight=w), whose mean is
     * Σ w[yᵢ]·nllᵢ / Σ w[yᵢ]. Without weights, the plain mean.
     */
    public static NDArray crossEntropy(NDArray logits, int[] labels, double[] classWeights, NDManager scope) {
        NDArray oneHot = scope.create(labels).oneHot((int) logits.getShape().get(1)).toType(DataType.FLOAT32, false);
        NDArray nll = logits.logSoftmax(-1).mul(oneHot).sum(new int[] {1}).neg(); // (B)
        if (classWeights == null) {
            return nll.mean();
        }
        float[] perExample = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            perExample[i] = (float) classWeights[labels[i]];
        }
        NDArray w = scope.create(perExample);
        return nll.mul(w).sum().div(w.sum());
    }

    /**
     * Mean binary cross-entropy of (B, C) logits against 0/1 targets, with an optional pos_weight per
     * label: torch.nn.BCEWithLogitsLoss(pos_weight=p), per element
     * (1 − y)·x + (1 + (p − 1)·y)·softplus(−x), softplus computed stably as max(−x, 0) + log(1 + e^−|x|).
     */
    public static NDArray binaryCrossEntropy(NDArray logits, float[] targets, double[] posWeights, NDManager scope) {
        Shape shape = logits.getShape();
        int classes = (int) shape.get(1);
        float[] negativeCoefficient = new float[targets.length];
        float[] positiveCoefficient = new float[targets.length];
        for (int i = 0; i < targets.length; i++) {
            double p = posWeights == null ? 1 : posWeights[i % classes];
            negativeCoefficient[i] = 1 - targets[i];
            positiveCoefficient[i] = (float) (1 + (p - 1) * targets[i]);
        }
        NDArray softplusOfNegated = Activation.relu(logits.neg())
                .add(logits.abs().neg().exp().add(Scalars.of(logits, 1f)).log());
        return scope.create(negativeCoefficient, shape).mul(logits)
                .add(scope.create(positiveCoefficient, shape).mul(softplusOfNegated))
                .mean();
    }

    /** Mean squared error of (B, 1) outputs against B targets: torch.nn.MSELoss(). */
    public static NDArray meanSquaredError(NDArray outputs, float[] targets, NDManager scope) {
        NDArray difference = outputs.reshape(-1).sub(scope.create(targets));
        return difference.mul(difference).mean();
    }

    /**
     * sentence-transformers' CosineSimilarityLoss: the mean squared error between cos(uᵢ, vᵢ) and targetᵢ for
     * embeddings u, v (B, H), with torch.cosine_similarity's cos = u·v / sqrt(max(‖u‖²‖v‖², 1e-16)).
     */
    public static NDArray cosineSimilarityLoss(NDArray u, NDArray v, float[] targets, NDManager scope) {
        NDArray dot = u.mul(v).sum(new int[] {1}); // (B)
        NDArray squaredNorms = u.mul(u).sum(new int[] {1}).mul(v.mul(v).sum(new int[] {1})); // (B)
        NDArray cosine = dot.div(squaredNorms.maximum(Scalars.of(squaredNorms, 1e-16f)).sqrt()); // (B)
        NDArray difference = cosine.sub(scope.create(targets));
        return difference.mul(difference).mean();
    }
}
