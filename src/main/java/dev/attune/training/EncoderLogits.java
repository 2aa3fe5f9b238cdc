package dev.attune.training;

import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.attune.modeling.ClassifierModel;

/** Runs the whole classifier on dynamically padded, length-grouped batches. */
final class EncoderLogits implements LogitsSource {

    private final ClassifierModel model;
    private final TokenizedExamples data;

    EncoderLogits(ClassifierModel model, TokenizedExamples data) {
        this.model = model;
        this.data = data;
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public Targets targets() {
        return data.targets();
    }

    @Override
    public List<int[]> trainingBatches(int batchSize, Random random) {
        return LengthGroupedBatches.forTraining(data, batchSize, random);
    }

    @Override
    public List<int[]> evaluationBatches(int batchSize) {
        return LengthGroupedBatches.forEvaluation(data, batchSize);
    }

    @Override
    public NDArray logits(NDManager scope, int[] indices, boolean training) {
        return model.forward(data.batch(indices).toNDList(scope), training).get(0); // (B, C)
    }
}
