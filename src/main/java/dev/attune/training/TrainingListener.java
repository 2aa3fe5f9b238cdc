package dev.attune.training;

/** Observes a run from outside the loop: progress, evaluations, and whether to stop (cancel). */
public interface TrainingListener {

    /** What a run is doing; each phase reports its own progress (units done of total). */
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

    /** When the run enters a phase or moves within one ({@code total} 0 when not counted). */
    default void onPhase(Phase phase, long done, long total) {
    }

    /**
     * After each optimizer step. {@link Progress#loss} is the mean training loss since the previous read
     * from the device (every {@link FineTuner#READ_EVERY_STEPS} steps, the first step, each epoch's end and
     * each evaluation); in between it repeats the last read value, NaN before the first.
     */
    default void onStep(Progress progress) {
    }

    /** After each evaluation; {@code best} when it became the best so far. */
    default void onEvaluation(EvaluationPoint point, boolean best) {
    }

    /** Checked before every batch: true stops the run with {@link TrainingCancelledException}. */
    default boolean cancelRequested() {
        return false;
    }

    /** A log line for the run's log. */
    default void log(String message) {
    }

    TrainingListener NONE = new TrainingListener() {
    };

    record Progress(int epoch, long step, long totalSteps, double samplesPerSecond, double etaSeconds, double loss,
            double learningRate) {
    }
}
