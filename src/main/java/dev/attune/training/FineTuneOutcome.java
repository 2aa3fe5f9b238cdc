package dev.attune.training;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.attune.modeling.Calibration;
import dev.attune.modeling.QuantizationCheck;
import dev.attune.modeling.WindowRule;

/**
 * A finished run, for the job layer to register as a model.
 *
 * @param bestDir the best weights as a checkpoint directory (in the run's directory until the job registers it)
 * @param result the training history and its best evaluation
 * @param test the test data set's figures with the best weights; null without a test set
 * @param quantization what int8 serving costs on the validation rows; null when not measured (regression)
 * @param calibration the temperatures fitted on the validation rows; null for a regression
 * @param windowRule how the model reads texts longer than its maxLength (the job's longText, its stride resolved)
 * @param maxLength the tokens per text (per window) it was trained and evaluated with: it is served so
 * @param overMaxLength how many texts of each role (training, validation, test) were longer than maxLength
 * @param textPairs whether it was trained on sentence pairs (the model then classifies pairs)
 * @param validation the validation rows (monitoring measures the registered model's reference on them)
 */
public record FineTuneOutcome(Path bestDir, TrainingResult result, EvaluationMetrics test,
        QuantizationCheck quantization, Calibration calibration, WindowRule windowRule, int maxLength,
        Map<String, Integer> overMaxLength, boolean textPairs, List<Example> validation) {
}
