package dev.attune.training;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.attune.modeling.ClassifierModel;
import java.util.Arrays;

/** Scores a classifier on a data set: no gradients, dropout off, every batch in its own scope. */
final class Evaluator {

    private Evaluator() {
    }

    /** Reports evaluation progress: batches done of total. */
    interface Progress {
        void batches(long done, long total);

        Progress NONE = (done, total) -> {
        };
    }

    static ClassificationMetrics evaluate(ClassifierModel model, LogitsSource source, int batchSize, List<String> names) {
        return evaluate(model, source, batchSize, names, Progress.NONE);
    }

    static ClassificationMetrics evaluate(ClassifierModel model, LogitsSource source, int batchSize, List<String> names,
            Progress progress) {
        int classes = names.size();
        float[][] probabilities = new float[source.size()][];
        int[] labels = new int[source.size()];
        double lossSum = 0;
        List<int[]> batches = source.evaluationBatches(batchSize);
        long done = 0;
        for (int[] batch : batches) {
            progress.batches(done++, batches.size());
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray logits = source.logits(scope, batch, false);
                int[] batchLabels = source.labels(batch);
                lossSum += Losses.crossEntropy(logits, batchLabels, scope).getFloat() * batch.length;
                float[] flat = logits.softmax(-1).toFloatArray();
                for (int i = 0; i < batch.length; i++) {
                    probabilities[batch[i]] = Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
                    labels[batch[i]] = batchLabels[i];
                }
            }
        }
        return ClassificationMetrics.of(labels, probabilities, lossSum / Math.max(1, source.size()), names);
    }
}
