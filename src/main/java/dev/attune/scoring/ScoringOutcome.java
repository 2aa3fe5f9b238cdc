package dev.attune.scoring;

import dev.attune.training.EvaluationMetrics;

/**
 * A finished batch-scoring run.
 *
 * @param rows rows scored (all of the data set)
 * @param textsPerSecond rows scored per second of scoring (this attempt's; model loading excluded)
 * @param metrics the model's evaluation figures on the data set's labels; null when they do not fit its labels
 */
public record ScoringOutcome(int rows, double textsPerSecond, EvaluationMetrics metrics) {
}
