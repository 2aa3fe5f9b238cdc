package dev.attune.training;

/**
 * A run's time, with training steps and evaluations (saving included) kept apart, so that the ETA
 * counts the evaluations still to come instead of spreading their cost over the steps.
 */
final class RunClock {

    private final long start = System.nanoTime();
    private final long startStep;
    private long evaluationNanos;
    private int evaluations;

    RunClock(long startStep) {
        this.startStep = startStep;
    }

    /** Seconds since the run (or its resumption) started. */
    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /** Records one evaluation that started at {@code startNanos} (System.nanoTime). */
    void evaluated(long startNanos) {
        evaluationNanos += System.nanoTime() - startNanos;
        evaluations++;
    }

    /** Seconds left after {@code step} of {@code totalSteps}, with {@code evaluationsLeft} evaluations to come. */
    double eta(long step, long totalSteps, long evaluationsLeft) {
        double perStep = (seconds() - evaluationNanos / 1e9) / Math.max(1, step - startStep);
        double perEvaluation = evaluations == 0 ? 0 : evaluationNanos / 1e9 / evaluations;
        return perStep * (totalSteps - step) + perEvaluation * evaluationsLeft;
    }

    /** Evaluations at steps after {@code step}: every evalEvery steps and at the end, or at each epoch's end. */
    static long evaluationsAfter(long step, long totalSteps, int evalEvery, long stepsPerEpoch) {
        if (evalEvery > 0) {
            long remaining = totalSteps / evalEvery - step / evalEvery;
            return remaining + (totalSteps % evalEvery != 0 ? 1 : 0);
        }
        return totalSteps / Math.max(1, stepsPerEpoch) - step / Math.max(1, stepsPerEpoch);
    }
}
