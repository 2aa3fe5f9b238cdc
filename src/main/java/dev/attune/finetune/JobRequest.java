package dev.attune.finetune;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.swagger.v3.oas.annotations.media.Schema;

import dev.attune.checkpoint.ModelReference;
import dev.attune.training.TrainingOptions;

/**
 * POST /api/v1/jobs: what to fine-tune and how. The training options sit beside these fields in the same
 * JSON object ({@link TrainingOptions}: each may be left out for its default). The bounds keep one job from
 * taking the machine: a batch of a million texts or a billion epochs is refused before it is queued.
 *
 * @param datasetId the training data set (required); a data set with a text pair column trains a pair classifier
 * @param baseModel a registered model id, an absolute path under the import roots, or a Hub id org/name[@revision]
 *     (required)
 * @param validationDatasetId an explicit validation data set; default: a stratified split (validationSplit)
 * @param testDatasetId a data set scored with the best weights at the end
 * @param name a display name
 * @param priority -100 to 100, default 0: higher runs first, equal ones in submission order
 * @param options the training options
 */
public record JobRequest(
        @Schema(example = "3f2b8c1e-5d7a-4e9b-8c2d-1a2b3c4d5e6f", requiredMode = Schema.RequiredMode.REQUIRED)
        String datasetId,
        @Schema(type = "string", example = "/srv/checkpoints/all-MiniLM-L6-v2",
                requiredMode = Schema.RequiredMode.REQUIRED) ModelReference baseModel,
        @Schema(example = "7a1c2e3f-4b5d-4c6e-9f8a-0b1c2d3e4f5a") String validationDatasetId,
        @Schema(example = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d") String testDatasetId,
        @Schema(example = "minilm-sst2") @Size(max = 255) String name,
        @Schema(example = "0", defaultValue = "0") @Min(-100) @Max(100) Integer priority,
        @JsonUnwrapped @Valid TrainingOptions options) {

    public JobRequest {
        options = options == null ? TrainingOptions.none() : options;
    }
}
