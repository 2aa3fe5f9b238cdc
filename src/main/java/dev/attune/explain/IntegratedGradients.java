package dev.attune.explain;

import java.util.function.Function;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Integrated gradients (Sundararajan et al. 2017) of a scalar output with respect to a (T, H) input, as Captum's
 * {@code LayerIntegratedGradients} with {@code method="riemann_trapezoid"}: the path from a baseline x' to the input
 * x sampled at {@code steps} points α = 0, 1/(steps−1), ..., 1, each gradient weighted 1/(steps−1) (half at both
 * ends), attribution_t = Σ_h (x − x')_{t,h} · Σ_k w_k ∂F/∂x_{t,h}(x' + α_k (x − x')). The points run
 * {@code perPass} at a time, each pass in a sub-scope of the input's manager (no native memory kept between them).
 * Completeness: Σ_t attribution_t ≈ F(x) − F(x'), exactly so when F is linear in x.
 */
final class IntegratedGradients {

    /**
     * The attributions per row of the input and the output at both ends of the path.
     *
     * @param attributions per row t (token) of the input, in order
     * @param atInput F(x)
     * @param atBaseline F(x')
     */
    record Result(float[] attributions, double atInput, double atBaseline) {

        double difference() {
            return atInput - atBaseline;
        }

        double sum() {
            double sum = 0;
            for (float a : attributions) {
                sum += a;
            }
            return sum;
        }

        /** |Σ attributions − (F(x) − F(x'))|: what the path's sampling missed. */
        double completenessError() {
            return Math.abs(sum() - difference());
        }
    }

    private IntegratedGradients() {
    }

    /**
     * @param input x, (T, H)
     * @param baseline x', (T, H)
     * @param forward a batch of points (P, T, H) → the target output per point (P); it records the graph from the
     *     points (the caller runs this under {@link GradientMode})
     * @param steps points on the path, at least 2 (both ends included)
     * @param perPass points per forward pass, at least 1
     */
    static Result attribute(NDArray input, NDArray baseline, Function<NDArray, NDArray> forward, int steps,
            int perPass) {
        if (steps < 2 || perPass < 1) {
            throw new IllegalArgumentException("steps " + steps + " (at least 2), perPass " + perPass + " (at least 1)");
        }
        Shape shape = input.getShape(); // (T, H)
        float[] weighted = new float[(int) shape.size()]; // Σ_k w_k ∂F/∂x at each point, (T, H) flat
        double atInput = Double.NaN;
        double atBaseline = Double.NaN;
        for (int from = 0; from < steps; from += perPass) {
            int count = Math.min(perPass, steps - from);
            float[] alphas = new float[count];
            float[] weights = new float[count];
            for (int i = 0; i < count; i++) {
                int k = from + i;
                alphas[i] = (float) k / (steps - 1);
                weights[i] = (k == 0 || k == steps - 1 ? 0.5f : 1f) / (steps - 1);
            }
            try (NDManager pass = input.getManager().newSubManager()) {
                NDArray alpha = pass.create(alphas, new Shape(count, 1, 1)); // (P, 1, 1)
                NDArray delta = input.sub(baseline); // (T, H)
                delta.attach(pass);
                NDArray points = delta.expandDims(0).mul(alpha).add(baseline); // (P, T, H), in the pass's scope
                points.setRequiresGradient(true);
                float[] outputs;
                NDArray gradients;
                try (GradientMode recording = new GradientMode()) {
                    NDArray target = forward.apply(points); // (P)
                    outputs = target.toType(DataType.FLOAT32, false).toFloatArray();
                    recording.backward(target.sum());
                    gradients = points.getGradient(); // (P, T, H)
                }
                float[] sum = gradients.mul(pass.create(weights, new Shape(count, 1, 1))).sum(new int[] {0})
                        .toFloatArray(); // (T, H)
                for (int j = 0; j < sum.length; j++) {
                    weighted[j] += sum[j];
                }
                if (from == 0) {
                    atBaseline = outputs[0];
                }
                if (from + count == steps) {
                    atInput = outputs[count - 1];
                }
            }
        }
        float[] delta = input.sub(baseline).toFloatArray(); // (T, H)
        int rows = (int) shape.get(0);
        int width = (int) (shape.size() / rows);
        float[] attributions = new float[rows];
        for (int t = 0; t < rows; t++) {
            double sum = 0;
            for (int h = 0; h < width; h++) {
                sum += (double) delta[t * width + h] * weighted[t * width + h];
            }
            attributions[t] = (float) sum;
        }
        return new Result(attributions, atInput, atBaseline);
    }
}
