package dev.attune.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.attune.model.ModelMetrics;
import dev.attune.model.Origin;
import dev.attune.model.RegisteredModel;
import dev.attune.modeling.ProblemType;
import org.junit.jupiter.api.Test;

/** Promoted > best validation score among fine-tuned models > most recent import. Lists come newest first. */
class ServingChoiceTest {

    @Test
    void nothingRegisteredMeansNothingToServe() {
        assertThat(ServingChoice.choose(List.of(), Optional.empty())).isEmpty();
    }

    @Test
    void thePromotedModelWinsOverBetterScores() {
        List<RegisteredModel> models = List.of(job("a", 0.99), imported("b"), job("c", 0.5));
        assertThat(ServingChoice.choose(models, Optional.of("c"))).contains(new ServingChoice("c", "promoted"));
    }

    @Test
    void aDeletedPromotionFallsBackToTheBestFineTunedModel() {
        List<RegisteredModel> models = List.of(job("a", 0.7), imported("b"), job("c", 0.9));
        assertThat(ServingChoice.choose(models, Optional.of("gone")).map(ServingChoice::modelId)).contains("c");
    }

    @Test
    void theHighestScoreWinsAndTiesGoToTheNewerModel() {
        List<RegisteredModel> models = List.of(job("newer", 0.8), job("older", 0.8), job("worse", 0.6));
        assertThat(ServingChoice.choose(models, Optional.empty())).contains(
                new ServingChoice("newer", "best validation score among fine-tuned models"));
    }

    @Test
    void lossScoresAreNegatedSoTheLowerLossWins() {
        List<RegisteredModel> models = List.of(job("high-loss", -0.9), job("low-loss", -0.2));
        assertThat(ServingChoice.choose(models, Optional.empty()).map(ServingChoice::modelId)).contains("low-loss");
    }

    @Test
    void onlyScoresOfTheNewestFineTunedModelsMetricAreCompared() {
        List<RegisteredModel> models = List.of(job("regression", "rmse", -0.7), job("classifier", "accuracy", 0.9),
                job("better regression", "rmse", -0.4));
        assertThat(ServingChoice.choose(models, Optional.empty()).map(ServingChoice::modelId)).contains("better regression");
    }

    @Test
    void withoutFineTunedModelsTheMostRecentImportServes() {
        List<RegisteredModel> models = List.of(imported("new"), imported("old"));
        assertThat(ServingChoice.choose(models, Optional.empty())).contains(
                new ServingChoice("new", "most recently imported"));
    }

    private static RegisteredModel job(String id, double score) {
        return job(id, "accuracy", score);
    }

    private static RegisteredModel job(String id, String metric, double score) {
        return model(id, Origin.JOB, new ModelMetrics(metric, score, 10, 1.0, null, null, null, null));
    }

    private static RegisteredModel imported(String id) {
        return model(id, Origin.IMPORT, null);
    }

    private static RegisteredModel model(String id, Origin origin, ModelMetrics metrics) {
        return new RegisteredModel(id, id, "bert", ProblemType.SINGLE_LABEL_CLASSIFICATION, List.of("negative", "positive"),
                "test", origin,
                origin == Origin.JOB ? "job-" + id : null, metrics, 64, 1000, 4000, Instant.EPOCH, null, false, null,
                null, null, null);
    }
}
