package dev.attune.training;

import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.attune.modeling.ClassifierModel;

/** Scores a model on a data set: no gradients, dropout off, every batch in its own scope. */
final class Evaluator {

    private Evaluator() {
    }

    /** Reports evaluation progress: batches done of total. */
    interface Progress {
        void batches(long done, long total);

        Progress NONE = (done, total) -> {
        };
    }

    static EvaluationMetrics evaluate(ClassifierModel model, LogitsSource source, int batchSize, Objective objective,
            Progress progress) {
        int outputs = model.config().numLabels();
        float[][] logitsByExample = new float[source.size()][];
        Targets targets = source.targets();
        double lossSum = 0;
        List<int[]> batches = source.evaluationBatches(batchSize);
        long done = 0;
        for (int[] batch : batches) {
            progress.batches(done++, batches.size());
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray logits = source.logits(scope, batch, false);
                lossSum += objective.loss(logits, targets.select(batch), scope).getFloat() * batch.length;
                float[] flat = logits.toFloatArray();
                for (int i = 0; i < batch.length; i++) {
                    logitsByExample[batch[i]] = Arrays.copyOfRange(flat, i * outputs, (i + 1) * outputs);
                }
            }
        }
        return objective.metrics(logitsByExample, targets, lossSum / Math.max(1, source.size()));
    }
}
