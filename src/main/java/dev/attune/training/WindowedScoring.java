package dev.attune.training;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LongText;
import dev.attune.modeling.TextEncoder;

/**
 * Scores examples the way a sliding-window model serves them: each long text split into windows of
 * maxLength tokens, every window run (length-grouped), a text's logits the mean of its windows'; the loss and
 * figures then as any evaluation's ({@link Objective}).
 */
final class WindowedScoring {

    private static final int CHUNK = 256;

    private WindowedScoring() {
    }

    static EvaluationMetrics evaluate(ClassifierModel model, List<Example> examples, int maxLength, int stride) {
        Objective objective = Objective.forScoring(model.problemType(), model.config().labels(), model.thresholds());
        TextEncoder encoder = model.textEncoder();
        boolean pairs = !examples.isEmpty() && examples.get(0).textPair() != null;
        List<float[]> logits = new ArrayList<>(examples.size());
        for (int start = 0; start < examples.size(); start += CHUNK) {
            List<Example> chunk = examples.subList(start, Math.min(examples.size(), start + CHUNK));
            List<List<TextEncoder.Tokens>> windows = encoder.windows(chunk.stream().map(Example::text).toList(),
                    pairs ? chunk.stream().map(Example::textPair).toList() : null, maxLength, LongText.SLIDING_WINDOW,
                    stride);
            logits.addAll(List.of(model.logitsOfWindows(windows)));
        }
        float[][] byExample = logits.toArray(float[][]::new);
        Targets targets = Targets.of(examples);
        int columns = model.config().numLabels();
        float[] flat = new float[byExample.length * columns];
        for (int i = 0; i < byExample.length; i++) {
            System.arraycopy(byExample[i], 0, flat, i * columns, columns);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray asArray = scope.create(flat, new Shape(byExample.length, columns));
            double loss = objective.loss(asArray, targets, scope).getFloat();
            return objective.metrics(byExample, targets, loss);
        }
    }
}
