package dev.attune.model;

import dev.attune.modeling.QuantizationCheck;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;

/**
 * What the fine-tuning job that produced a model measured: stored with the model, shown by the API,
 * and compared by serving to pick the best model.
 *
 * @param metricForBest the job's choice of metric (accuracy, f1_macro or loss)
 * @param score the best validation value of that metric, oriented so that higher is better (loss negated)
 * @param bestStep the optimizer step of the best evaluation
 * @param bestEpoch its position in epochs
 * @param validation every validation figure of the best evaluation, as the job reported them
 * @param test the test data set's figures with the best weights; null without a test set
 * @param quantization what int8 serving costs on the validation rows (fp32 vs int8); null when not measured
 *     (regression models, models trained before it was measured)
 * @param overMaxLength how many texts of its training, validation and test sets were longer than its maxLength
 *     (null for models trained before it was counted)
 */
public record ModelMetrics(String metricForBest, double score, long bestStep, double bestEpoch,
        @Schema(ref = "#/components/schemas/EvaluationMetrics") JsonNode validation,
        @Schema(ref = "#/components/schemas/EvaluationMetrics") JsonNode test,
        QuantizationCheck quantization, java.util.Map<String, Integer> overMaxLength) {
}
