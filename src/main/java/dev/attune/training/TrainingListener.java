package dev.attune.training;

import dev.attune.work.WorkListener;

/**
 * Observes a training run from outside the loop: what every work reports ({@link WorkListener}: phases, steps,
 * a log, whether to stop), and the run's evaluations. {@link Progress#loss} is read from the device every
 * {@link FineTuner#READ_EVERY_STEPS} steps, the first step, each epoch's end and each evaluation.
 */
public interface TrainingListener extends WorkListener {

    /** After each evaluation; {@code best} when it became the best so far. */
    default void onEvaluation(EvaluationPoint point, boolean best) {
    }

    TrainingListener NONE = new TrainingListener() {
    };
}
