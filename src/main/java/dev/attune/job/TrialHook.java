package dev.attune.job;

import dev.attune.training.EvaluationPoint;

/** What a sweep's trial reports after each evaluation; false: the sweep stops it (successive halving). */
@FunctionalInterface
interface TrialHook {

    TrialHook NONE = (rung, point) -> true;

    /** @param rung the trial's evaluation count, from 1 */
    boolean continueAfter(int rung, EvaluationPoint point);
}
