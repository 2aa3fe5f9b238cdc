package dev.attune.deployment;

import java.time.Instant;
import java.util.List;

/**
 * A deployment with its history.
 *
 * @param name the name callers use
 * @param modelId the model that answers
 * @param canary the model under trial and its share of requests; null: none
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param history every change, newest first, with who made it
 */
record DeploymentResponse(String name, String modelId, Deployment.Canary canary, Instant createdAt, Instant updatedAt,
        List<DeploymentChange> history) {

    static DeploymentResponse of(Deployment deployment, List<DeploymentChange> history) {
        return new DeploymentResponse(deployment.name(), deployment.modelId(), deployment.canary(),
                deployment.createdAt(), deployment.updatedAt(), history);
    }
}
