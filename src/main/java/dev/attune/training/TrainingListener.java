package dev.attune.training;

/** Observes a run from outside the loop: progress, evaluations, and whether to stop (cancel). */
public interface TrainingListener {

    /** After each optimizer step. */
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
