package dev.attune.training;

import java.util.ArrayList;
import java.util.List;

import dev.attune.dataset.DatasetRow;
import dev.attune.modeling.ProblemType;

/**
 * The figures a model's evaluation gives (accuracy, F1, confusion, per-label...), computed from served
 * outputs (probabilities, or a regression's values) and a data set's labels: what batch scoring reports.
 * Probabilities are turned back into logits (log p for a softmax, log(p / (1 - p)) per label for sigmoids),
 * which leaves every decision and figure as it was; the loss is computed from the probabilities.
 */
public final class ScoredMetrics {

    private static final double EPSILON = 1e-7;

    private ScoredMetrics() {
    }

    /**
     * @param outputs per row, what the model served
     * @param rows the rows, with their labels
     * @throws IllegalArgumentException when a row's label is not one of the model's
     */
    public static EvaluationMetrics of(ProblemType type, List<String> labels, List<Double> thresholds,
            float[][] outputs, List<DatasetRow> rows) {
        List<Example> examples = LabelledData.toExamples(rows, labels, type);
        Targets targets = Targets.of(examples);
        float[][] logits = new float[outputs.length][];
        double loss = 0;
        for (int i = 0; i < outputs.length; i++) {
            logits[i] = new float[outputs[i].length];
            for (int c = 0; c < outputs[i].length; c++) {
                double p = Math.min(Math.max(outputs[i][c], EPSILON), 1 - EPSILON);
                logits[i][c] = switch (type) {
                    case SINGLE_LABEL_CLASSIFICATION -> (float) Math.log(p);
                    case MULTI_LABEL_CLASSIFICATION -> (float) Math.log(p / (1 - p));
                    case REGRESSION -> outputs[i][c];
                };
            }
            loss += rowLoss(type, outputs[i], examples.get(i));
        }
        Objective objective = Objective.forScoring(type, labels, thresholds);
        return objective.metrics(logits, targets, loss / Math.max(1, outputs.length));
    }

    /** Cross-entropy, mean binary cross-entropy over labels, or squared error. */
    private static double rowLoss(ProblemType type, float[] output, Example example) {
        return switch (type) {
            case SINGLE_LABEL_CLASSIFICATION -> -Math.log(Math.max(output[example.label()], EPSILON));
            case MULTI_LABEL_CLASSIFICATION -> {
                List<Integer> present = new ArrayList<>();
                for (int label : example.labels()) {
                    present.add(label);
                }
                double sum = 0;
                for (int c = 0; c < output.length; c++) {
                    double p = Math.min(Math.max(output[c], EPSILON), 1 - EPSILON);
                    sum -= present.contains(c) ? Math.log(p) : Math.log(1 - p);
                }
                yield sum / output.length;
            }
            case REGRESSION -> Math.pow(output[0] - example.value(), 2);
        };
    }
}
