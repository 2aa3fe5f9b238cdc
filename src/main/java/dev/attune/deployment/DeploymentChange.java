package dev.attune.deployment;

import java.time.Instant;

/**
 * One change of a deployment, as its history shows it.
 *
 * @param action created, updated or rollback
 * @param modelId the model that answered after it
 * @param canary the canary after it; null: none
 * @param changedBy the name of the API key that made it; "anonymous" when API keys are off
 * @param changedAt when it was made
 */
public record DeploymentChange(String action, String modelId, Deployment.Canary canary, String changedBy,
        Instant changedAt) {
}
