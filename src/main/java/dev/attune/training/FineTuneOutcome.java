package dev.attune.training;

import dev.attune.model.RegisteredModel;

/** A finished run: the registered best model, the training history, and the test figures (null without a test set). */
public record FineTuneOutcome(RegisteredModel model, TrainingResult result, EvaluationMetrics test) {
}
