package dev.attune.training;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LongText;
import dev.attune.modeling.TextClassifier;
import dev.attune.modeling.TextEncoder;
import dev.attune.modeling.WindowRule;

/**
 * Scores examples the way the model serves them (serving's {@code Predictor} reads texts alike): each text as its
 * long-text rule reads it (truncated, head and tail, or every sliding window of maxLength tokens), every window run
 * (length-grouped), a text's logits the mean of its windows'; the loss and figures then as any evaluation's
 * ({@link Objective}). Test scores, the temperature fit and the int8 check all read texts through here.
 */
final class WindowedScoring {

    private static final int CHUNK = 256;
    /** Windows per forward pass (the int8 check and the temperature fit ran 64 texts a pass before). */
    private static final int PASS = 64;

    private WindowedScoring() {
    }

    static EvaluationMetrics evaluate(ClassifierModel model, List<Example> examples, int maxLength, int stride) {
        return evaluate(model, examples, maxLength, new WindowRule(LongText.SLIDING_WINDOW, stride));
    }

    static EvaluationMetrics evaluate(ClassifierModel model, List<Example> examples, int maxLength, WindowRule rule) {
        Objective objective = Objective.forScoring(model.problemType(), model.config().labels(), model.thresholds());
        float[][] byExample = logits(model, examples, maxLength, rule);
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

    /**
     * Each example's logits as served: the mean of the windows its rule reads (one unless sliding windows), the
     * windows run in passes of at most {@value #PASS} whatever the texts' lengths.
     */
    static float[][] logits(TextClassifier model, List<Example> examples, int maxLength, WindowRule rule) {
        TextEncoder encoder = model.textEncoder();
        boolean pairs = !examples.isEmpty() && examples.get(0).textPair() != null;
        List<float[]> logits = new ArrayList<>(examples.size());
        for (int start = 0; start < examples.size(); start += CHUNK) {
            List<Example> chunk = examples.subList(start, Math.min(examples.size(), start + CHUNK));
            List<List<TextEncoder.Tokens>> windows = encoder.windows(chunk.stream().map(Example::text).toList(),
                    pairs ? chunk.stream().map(Example::textPair).toList() : null, maxLength, rule.rule(),
                    rule.strideFor(maxLength));
            logits.addAll(List.of(model.logitsOfWindows(windows, PASS)));
        }
        return logits.toArray(float[][]::new);
    }
}
