package dev.attune.batch;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import dev.attune.modeling.LongText;

/**
 * POST /api/v1/predictions: score every row of a data set. Name the model, or a deployment (its model at
 * submission scores).
 *
 * @param datasetId the data set to score (required); its labels, when they fit the model's, give metrics
 * @param modelId the model that scores; or
 * @param deployment the deployment whose model scores
 * @param longText how a text longer than the model's maxLength is read: truncate, head_tail or sliding_window;
 *     default as the model was trained
 * @param priority -100 to 100, default 50 (attune.predictions.default-priority): higher runs first. A training job's
 *     default is 0, so a batch prediction is claimed before the queued training jobs of default priority
 * @param select once every row is scored, pick the rows to label next (GET .../selection)
 */
@io.swagger.v3.oas.annotations.media.Schema(name = "PredictionJobRequest") // its name in the API since it was added
record BatchPredictionRequest(
        @Schema(example = "3f2b8c1e-5d7a-4e9b-8c2d-1a2b3c4d5e6f", requiredMode = Schema.RequiredMode.REQUIRED)
        String datasetId,
        @Schema(example = "7a1c2e3f-4b5d-4c6e-9f8a-0b1c2d3e4f5a") String modelId,
        @Schema(example = "default") String deployment,
        @Schema(example = "sliding_window") LongText longText,
        @Schema(example = "50", defaultValue = "50") @Min(-100) @Max(100) Integer priority,
        SelectRequest select) {

    /**
     * Which rows to label next: the {@code count} rows the model is least sure of, or drawn at random.
     *
     * @param strategy margin (smallest gap between the top two probabilities), entropy (highest), least_confidence
     *     (lowest top probability) or random (seeded uniform draw); multi-label models: per label, see the docs
     * @param count how many rows, 1 to the data set's rows
     * @param seed random's seed, default 42
     */
    @Schema(name = "PredictionSelect")
    record SelectRequest(
            @Schema(example = "margin", allowableValues = {"margin", "entropy", "least_confidence", "random"},
                    requiredMode = Schema.RequiredMode.REQUIRED) String strategy,
            @Schema(example = "200", requiredMode = Schema.RequiredMode.REQUIRED) Integer count,
            @Schema(example = "42", defaultValue = "42") Long seed) {
    }
}
