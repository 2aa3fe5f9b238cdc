package dev.attune.serving;

import java.util.List;
import java.util.Optional;

import dev.attune.model.Origin;
import dev.attune.model.RegisteredModel;

/**
 * Which model /predict serves, and why: the promoted model; else the fine-tuned model with the best
 * validation score on its job's metricForBest; else the most recently imported model.
 */
public record ServingChoice(String modelId, String reason) {


    /** @param models newest first */
    static Optional<ServingChoice> choose(List<RegisteredModel> models, Optional<String> promoted) {
        if (promoted.isPresent() && models.stream().anyMatch(m -> m.id().equals(promoted.get()))) {
            return Optional.of(new ServingChoice(promoted.get(), "promoted"));
        }
        RegisteredModel best = null;
        for (RegisteredModel model : models) {
            if (model.origin() == Origin.JOB && model.metrics() != null
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
