package dev.attune.job;

import dev.attune.training.EvaluationPoint;

/** What a sweep's trial reports after each evaluation (once recorded); false: the sweep stops it (successive halving). */
@FunctionalInterface
interface TrialHook {

    TrialHook NONE = point -> true;

    boolean continueAfter(EvaluationPoint point);
}
