package dev.attune.model;

import java.util.List;

/**
 * Which deployments a registered model answers for (as their model or their canary). Answered by the
 * deployment package, which depends on this one, never the other way round.
 */
public interface ModelDeployments {

    List<String> deploymentsUsing(String modelId);

    /**
     * A model was promoted: when a "default" deployment exists (it answers every /predict that names nothing), it
     * moves to the model, recorded in its history, so that what /predict answers and what the serving status names
     * stay one.
     *
     * @return the default deployment's name when it moved; null when there is none
     */
    String promoted(String modelId);
}
