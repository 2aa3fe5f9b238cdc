package dev.attune.training;

import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.attune.modeling.ClassifierModel;

/** Runs the whole classifier on dynamically padded batches: length-grouped, or random for training when asked. */
final class EncoderLogits implements LogitsSource {

    private final ClassifierModel model;
    private final TokenizedExamples data;
    private final boolean groupByLength;

    EncoderLogits(ClassifierModel model, TokenizedExamples data) {
        this(model, data, true);
    }

    EncoderLogits(ClassifierModel model, TokenizedExamples data, boolean groupByLength) {
        this.model = model;
        this.data = data;
        this.groupByLength = groupByLength;
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
        return groupByLength ? LengthGroupedBatches.forTraining(data, batchSize, random)
                : LengthGroupedBatches.shuffled(data.size(), batchSize, random);
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
