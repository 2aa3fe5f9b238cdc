package dev.attune.deployment;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import io.swagger.v3.oas.annotations.media.Schema;

/** The bodies the deployment endpoints take. */
final class DeploymentRequests {

    private DeploymentRequests() {
    }

    /**
     * A new deployment.
     *
     * @param name the name callers use: 1 to 64 lower-case letters, digits and '-'; "default" answers every
     *     /predict that names no model or deployment
     * @param modelId the registered model that answers
     */
    record Create(@Schema(example = "default", requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank String name,
            @Schema(example = "3f2b8c1e-5d7a-4e9b-8c2d-1a2b3c4d5e6f", requiredMode = Schema.RequiredMode.REQUIRED)
            @NotBlank String modelId) {
    }

    /**
     * A deployment's next state.
     *
     * @param modelId the model that answers from now on (a promotion); default: the current one stays
     * @param canary a model under trial and the share of requests it answers; left out: no canary (so a
     *     promotion without one ends the trial)
     */
    record Update(@Schema(example = "7a1c2e3f-4b5d-4c6e-9f8a-0b1c2d3e4f5a") String modelId, @Valid Canary canary) {
    }

    /**
     * A canary.
     *
     * @param modelId the model under trial
     * @param percent the share of requests it answers, 1 to 99
     */
    record Canary(@Schema(example = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d") @NotBlank String modelId,
            @Schema(example = "20") @Min(1) @Max(99) int percent) {
    }
}
