package dev.attune.training;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One evaluation during training.
 *
 * @param step the optimizer step it followed
 * @param epoch its position in epochs, e.g. 1.5
 * @param trainLoss mean training loss since the previous evaluation
 * @param metrics the validation figures
 */
public record EvaluationPoint(long step, double epoch, double trainLoss,
        @Schema(ref = "#/components/schemas/EvaluationMetrics") EvaluationMetrics metrics) {
}
