package dev.attune.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.attune.modeling.ClassifierModel;
import java.util.Arrays;

/**
 * Head-only training: the frozen encoder runs once per example, and every head in attune reads only
 * the first token's hidden state, so that vector (N × H, on the host) is all the head needs.
 */
final class CachedFeatureLogits implements LogitsSource {

    private final ClassifierModel model;
    private final float[][] features;
    private final Targets targets;

    private CachedFeatureLogits(ClassifierModel model, float[][] features, Targets targets) {
        this.model = model;
        this.features = features;
        this.targets = targets;
    }

    /** Encodes every example once (eval mode, no gradients) and keeps its first-token vector. */
    static CachedFeatureLogits compute(ClassifierModel model, TokenizedExamples data, int batchSize) {
        int hidden = model.config().hiddenSize();
        float[][] features = new float[data.size()][];
        for (int[] batch : LengthGroupedBatches.forEvaluation(data, batchSize)) {
            try (NDManager scope = model.manager().newSubManager()) {
                NDList inputs = data.batch(batch).toNDList(scope);
                NDArray hiddenStates = model.block().encode(new ParameterStore(scope, false), inputs.get(0),
                        inputs.get(1), inputs.get(2), false); // (B, T, H)
                float[] first = hiddenStates.get(":, 0, :").toFloatArray(); // (B, H)
                for (int i = 0; i < batch.length; i++) {
                    features[batch[i]] = Arrays.copyOfRange(first, i * hidden, (i + 1) * hidden);
                }
            }
        }
        return new CachedFeatureLogits(model, features, data.targets());
    }

    @Override
    public int size() {
        return features.length;
    }

    @Override
    public Targets targets() {
        return targets;
    }

    @Override
    public List<int[]> trainingBatches(int batchSize, Random random) {
        return LengthGroupedBatches.shuffled(size(), batchSize, random); // features have no padding
    }

    @Override
    public List<int[]> evaluationBatches(int batchSize) {
        return cut(IntStream.range(0, size()).boxed().toList(), batchSize);
    }

    @Override
    public NDArray logits(NDManager scope, int[] indices, boolean training) {
        int hidden = features[0].length;
        float[] rows = new float[indices.length * hidden];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(features[indices[i]], 0, rows, i * hidden, hidden);
        }
        NDArray x = scope.create(rows, new Shape(indices.length, 1, hidden)); // (B, 1, H): the first token only
        return model.block().classify(new ParameterStore(scope, false), x, training); // (B, C)
    }

    private static List<int[]> cut(List<Integer> order, int batchSize) {
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < order.size(); start += batchSize) {
            batches.add(order.subList(start, Math.min(order.size(), start + batchSize)).stream()
                    .mapToInt(Integer::intValue).toArray());
        }
        return batches;
    }
}
