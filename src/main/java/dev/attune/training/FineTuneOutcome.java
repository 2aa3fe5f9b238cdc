package dev.attune.training;

import java.nio.file.Path;

import dev.attune.modeling.QuantizationCheck;

/**
 * A finished run, for the job layer to register as a model.
 *
 * @param bestDir the best weights as a checkpoint directory (in the run's directory until the job registers it)
 * @param result the training history and its best evaluation
 * @param test the test data set's figures with the best weights; null without a test set
 * @param quantization what int8 serving costs on the validation rows; null when not measured (regression)
 * @param textPairs whether it was trained on sentence pairs (the model then classifies pairs)
 */
public record FineTuneOutcome(Path bestDir, TrainingResult result, EvaluationMetrics test,
        QuantizationCheck quantization, boolean textPairs) {
}
