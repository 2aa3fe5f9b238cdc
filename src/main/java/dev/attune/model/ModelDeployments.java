package dev.attune.model;

import java.util.List;

/**
 * Which deployments a registered model answers for (as their model or their canary). Answered by the
 * deployment package, which depends on this one, never the other way round.
 */
public interface ModelDeployments {

    List<String> deploymentsUsing(String modelId);
}
