package dev.attune.feedback;

import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * Which feedback becomes a data set.
 *
 * @param model the feedback on this model's answers (a model id); or
 * @param deployment the feedback on this deployment's answers (whichever of its models, canary included, answered)
 * @param since only answers served from then on (ISO-8601); default: all
 * @param includeTrainingRows whether the rows of the data set it becomes a version of come first (default false)
 * @param datasetId the data set whose next version it is (its kind, columns and, with includeTrainingRows, rows);
 *     default: the data set the model (or the deployment's model) was fine-tuned on; required for an imported model
 * @param name a display name; default: the parent's name with " v" and the version
 */
record FeedbackDatasetRequest(
        String model,
        @Schema(example = "default") String deployment,
        @Schema(example = "2026-12-01T00:00:00Z") Instant since,
        @Schema(defaultValue = "false") Boolean includeTrainingRows,
        String datasetId,
        @Schema(example = "sst2 + December feedback") String name) {
}
