package dev.attune.training;

import java.util.List;

/**
 * How a run ended: the best evaluation (its weights are in the best checkpoint directory), every
 * evaluation, and throughput. {@code stoppedEarly} when early stopping ended it before the last epoch.
 */
public record TrainingResult(EvaluationPoint best, List<EvaluationPoint> history, long steps, boolean stoppedEarly,
        double trainSamplesPerSecond, double trainSeconds) {
}
