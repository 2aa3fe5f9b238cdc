package dev.attune.deployment;

import java.time.Instant;

/**
 * A stable name other services call: the model that answers, and an optional canary that answers a share of
 * the requests.
 *
 * @param name the name callers use ("deployment": name on /predict)
 * @param modelId the model that answers
 * @param canary a second model and the share of requests it answers; null: none
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
public record Deployment(String name, String modelId, Canary canary, Instant createdAt, Instant updatedAt) {

    /** The deployment every /predict without a model or deployment uses, when it exists. */
    public static final String DEFAULT = "default";

    /**
     * @param modelId the model under trial
     * @param percent the share of requests it answers, 1 to 99
     */
    public record Canary(String modelId, int percent) {
    }
}
