package dev.attune.monitoring;

/**
 * A deployment's model crossed a drift threshold, either way (ok, warn, alert), published once per change on
 * every node that judged it.
 *
 * @param deployment the deployment; "none" for requests that named the model
 * @param modelId the model
 * @param from the status before
 * @param to the status now
 * @param figure the figure with the largest population stability index
 * @param psi its index
 */
public record DriftStatusChanged(String deployment, String modelId, DriftStatus from, DriftStatus to, String figure,
        double psi) {
}
