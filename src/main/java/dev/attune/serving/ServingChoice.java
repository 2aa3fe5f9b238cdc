package dev.attune.serving;

import java.util.List;
import java.util.Optional;

import dev.attune.deployment.Deployment;
import dev.attune.model.Origin;
import dev.attune.model.RegisteredModel;

/**
 * Which model /predict serves, and why: the "default" deployment's when it exists (a promotion moves it); else the
 * promoted model; else the fine-tuned model with the best
 * validation score on its job's metricForBest; else the most recently imported model. Scores are only
 * compared between models chosen by the same metric as the newest fine-tuned model (an RMSE and an
 * accuracy do not compare): the kind of model fine-tuned last is the one served.
 */
public record ServingChoice(String modelId, String reason, String deployment, Deployment.Canary canary) {

    /** The reason when the "default" deployment answers. */
    static final String BY_DEFAULT_DEPLOYMENT = "the deployment named default answers /predict calls that name nothing";

    ServingChoice(String modelId, String reason) {
        this(modelId, reason, null, null);
    }

    /**
     * What answers a /predict that names nothing: the "default" deployment (its model, and its canary for the
     * canary's share) when it exists and its model does; else {@link #choose(List, Optional)}.
     *
     * @param models newest first
     */
    static Optional<ServingChoice> choose(List<RegisteredModel> models, Optional<String> promoted,
            Optional<Deployment> defaultDeployment) {
        if (defaultDeployment.isPresent()
                && models.stream().anyMatch(m -> m.id().equals(defaultDeployment.get().modelId()))) {
            Deployment deployment = defaultDeployment.get();
            return Optional.of(new ServingChoice(deployment.modelId(), BY_DEFAULT_DEPLOYMENT, deployment.name(),
                    deployment.canary()));
        }
        return choose(models, promoted);
    }

    /** @param models newest first */
    static Optional<ServingChoice> choose(List<RegisteredModel> models, Optional<String> promoted) {
        if (promoted.isPresent() && models.stream().anyMatch(m -> m.id().equals(promoted.get()))) {
            return Optional.of(new ServingChoice(promoted.get(), "promoted"));
        }
        String metric = models.stream().filter(m -> m.origin() == Origin.JOB && m.metrics() != null).findFirst()
                .map(m -> m.metrics().metricForBest()).orElse(null);
        RegisteredModel best = null;
        for (RegisteredModel model : models) {
            if (model.origin() == Origin.JOB && model.metrics() != null && model.metrics().metricForBest().equals(metric)
                    && (best == null || model.metrics().score() > best.metrics().score())) {
                best = model; // ties: the newer one (models come newest first)
            }
        }
        if (best != null) {
            return Optional.of(new ServingChoice(best.id(), "best validation score among fine-tuned models"));
        }
        return models.stream().filter(m -> m.origin() == Origin.IMPORT).findFirst()
                .or(() -> models.stream().findFirst())
                .map(m -> new ServingChoice(m.id(), "most recently imported"));
    }
}
