package dev.attune.serving;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.attune.model.RegisteredModel;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which model /predict serves, and why: the promoted model; else the fine-tuned model with the best
 * validation score on its job's metricForBest; else the most recently imported model.
 */
public record ServingChoice(String modelId, String reason) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, String> METRIC_FIELDS = Map.of("accuracy", "accuracy", "f1_macro", "f1Macro",
            "loss", "loss");

    /** @param models newest first */
    static Optional<ServingChoice> choose(List<RegisteredModel> models, Optional<String> promoted) {
        if (promoted.isPresent() && models.stream().anyMatch(m -> m.id().equals(promoted.get()))) {
            return Optional.of(new ServingChoice(promoted.get(), "promoted"));
        }
        RegisteredModel best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (RegisteredModel model : models) {
            Double score = "JOB".equals(model.origin()) ? validationScore(model.metrics()) : null;
            if (score != null && score > bestScore) {
                best = model;
                bestScore = score;
            }
        }
        if (best != null) {
            return Optional.of(new ServingChoice(best.id(), "best validation score among fine-tuned models"));
        }
        return models.stream().filter(m -> "IMPORT".equals(m.origin())).findFirst()
                .or(() -> models.stream().findFirst())
                .map(m -> new ServingChoice(m.id(), "most recently imported"));
    }

    /** The validation value of the job's metricForBest, oriented so that higher is better; null if absent. */
    static Double validationScore(String metricsJson) {
        if (metricsJson == null) {
            return null;
        }
        JsonNode metrics = JSON.readTree(metricsJson);
        String metric = metrics.path("metricForBest").asString("accuracy");
        JsonNode value = metrics.path("validation").path(METRIC_FIELDS.getOrDefault(metric, "accuracy"));
        if (!value.isNumber()) {
            return null;
        }
        return "loss".equals(metric) ? -value.asDouble() : value.asDouble();
    }
}
