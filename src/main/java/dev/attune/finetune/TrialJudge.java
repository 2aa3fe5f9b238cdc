package dev.attune.finetune;

import dev.attune.job.Job;
import dev.attune.training.EvaluationPoint;

/**
 * Judges a fine-tuning job after each of its evaluations, once recorded: a sweep's successive halving stops the trials
 * outside the better half of their rung. Implemented by the sweep package; a job that is no sweep's trial continues.
 */
public interface TrialJudge {

    /**
     * @param rung the evaluation's place in the job's own stored history (its n-th evaluated step, whichever attempt
     *     made it), so that a resumed job keeps its rungs
     * @return null to continue, else why the job stops (a line for its log)
     */
    String stopAfter(Job job, int rung, EvaluationPoint point);

    /**
     * Asked before a job's attempt starts: a job judged before a crash (and resumed before its end was written)
     * stops at once, as it was judged.
     *
     * @return null to run, else why the job stops
     */
    default String stoppedBefore(Job job) {
        return null;
    }
}
