package dev.attune.training;

/** The run was asked to stop (job cancelled). */
public class TrainingCancelledException extends RuntimeException {

    public TrainingCancelledException(long step) {
        super("cancelled at step " + step);
    }
}
