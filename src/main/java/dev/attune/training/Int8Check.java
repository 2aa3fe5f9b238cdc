package dev.attune.training;

import java.util.Arrays;
import java.util.List;

import dev.attune.modeling.QuantizationCheck;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.ModelOutputs;
import dev.attune.modeling.ProblemType;
import dev.attune.modeling.ServingPrecision;
import dev.attune.modeling.WindowRule;
import dev.attune.modeling.onnx.OnnxClassifier;
import dev.attune.modeling.onnx.OnnxExport;

/**
 * Measures what int8 serving costs a freshly trained model: its validation rows scored by the served fp32
 * graph and by the int8 one (ONNX Runtime, the engine /predict uses), the metric of each. Stored with the
 * model; serving's {@code auto} refuses int8 when it loses more than {@link ServingPrecision#MAX_INT8_LOSS}.
 */
final class Int8Check {

    private Int8Check() {
    }

    /** The check (a failed one when it could not run, logged), or null for regressions or no validation rows. */
    static QuantizationCheck measure(ClassifierModel best, List<Example> validation, Integer maxLength, WindowRule rule,
            TrainingListener listener) {
        if (best.problemType() == ProblemType.REGRESSION || validation.isEmpty()) {
            return null;
        }
        int length = maxLength != null ? maxLength : best.textEncoder().defaultMaxLength();
        try (OnnxClassifier fp32 = OnnxClassifier.of(best, OnnxExport.Weights.FP32);
                OnnxClassifier int8 = OnnxClassifier.of(best, OnnxExport.Weights.INT8)) {
            String metric = best.problemType() == ProblemType.SINGLE_LABEL_CLASSIFICATION ? "accuracy"
                    : "subset_accuracy";
            QuantizationCheck check = new QuantizationCheck(metric, score(fp32, validation, length, rule),
                    score(int8, validation, length, rule), validation.size());
            listener.log("int8 serving check on %d validation examples: %s fp32 %.4f, int8 %.4f (%+.2f points): auto "
                    .formatted(check.examples(), metric, check.fp32(), check.int8(), -100 * check.loss())
                    + (check.int8KeepsAccuracy() ? "serves int8" : "serves fp32 (int8 loses over 0.5 points)"));
            return check;
        } catch (RuntimeException | LinkageError e) { // a failed check, kept with the model: auto serves fp32, says why
            listener.log("int8 serving check failed: " + e + ": auto serves fp32");
            return QuantizationCheck.failed(best.problemType() == ProblemType.SINGLE_LABEL_CLASSIFICATION ? "accuracy"
                    : "subset_accuracy", e.getClass().getSimpleName() + " (the job log has the details)");
        }
    }

    /**
     * The fraction of examples whose decision (the top label, or the labels over threshold) is right, each text read
     * as the model serves it (its long-text rule; sliding windows averaged).
     */
    private static double score(OnnxClassifier classifier, List<Example> examples, int maxLength, WindowRule rule) {
        float[][] outputs = classifier.outputsOfLogits(WindowedScoring.logits(classifier, examples, maxLength, rule));
        int right = 0;
        for (int i = 0; i < examples.size(); i++) {
            int[] labels = examples.get(i).labels();
            if (classifier.problemType() == ProblemType.SINGLE_LABEL_CLASSIFICATION) {
                right += ClassificationMetrics.argmax(outputs[i]) == labels[0] ? 1 : 0;
            } else {
                List<Integer> chosen = ModelOutputs.chosen(outputs[i], classifier.thresholds());
                right += chosen.equals(Arrays.stream(labels).sorted().boxed().toList()) ? 1 : 0;
            }
        }
        return (double) right / examples.size();
    }
}
