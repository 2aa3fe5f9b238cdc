package dev.attune.work;

/**
 * What any work that runs as a job reports while it runs, and how it learns to stop: the contract between the
 * queue (which records it) and the work (training, batch scoring), so that neither imports the other.
 */
public interface WorkListener {

    /** What the work is doing; each phase reports its own progress (units done of total). */
    enum Phase {
        /** reading data, pinning and loading the base model, tokenising */
        PREPARING,
        /** optimizer steps (units: steps) */
        TRAINING,
        /** scoring the validation set (units: batches) */
        EVALUATING,
        /** scoring the test set with the best weights (units: batches) */
        TESTING,
        /** writing the best weights or the resume point, registering the model */
        SAVING,
        /** a batch-scoring job predicting a data set's rows (units: rows) */
        SCORING;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** When the work enters a phase or moves within one ({@code total} 0 when not counted). */
    default void onPhase(Phase phase, long done, long total) {
    }

    /**
     * After each optimizer step. {@link Progress#loss} is the mean training loss since the previous read
     * from the device; in between reads it repeats the last read value, NaN before the first.
     */
    default void onStep(Progress progress) {
    }

    /** Checked before every batch: true stops the work with a {@link WorkCancelledException}. */
    default boolean cancelRequested() {
        return false;
    }

    /** A line for the job's log. */
    default void log(String message) {
    }

    record Progress(int epoch, long step, long totalSteps, double samplesPerSecond, double etaSeconds, double loss,
            double learningRate) {
    }
}
