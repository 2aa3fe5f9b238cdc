package dev.attune.training;

import dev.attune.work.WorkCancelledException;

/** The run was asked to stop (job cancelled). */
public class TrainingCancelledException extends WorkCancelledException {

    public TrainingCancelledException(long step) {
        super("cancelled at step " + step);
    }
}
