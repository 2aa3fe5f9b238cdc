package dev.attune.training;

/** transformers' schedules: linear warm-up, then linear decay to 0 or a half cosine. */
public record LearningRateSchedule(double base, long warmupSteps, long totalSteps, TrainingOptions.Scheduler kind) {

    public static LearningRateSchedule of(TrainingOptions options, long totalSteps) {
        long warmup = (long) Math.ceil(options.warmupRatio() * totalSteps);
        return new LearningRateSchedule(options.learningRate(), warmup, totalSteps, options.scheduler());
    }

    /** The rate for the optimizer step that follows {@code stepsDone} steps (0 for the first, as in transformers). */
    public double rate(long stepsDone) {
        if (stepsDone < warmupSteps) {
            return base * stepsDone / Math.max(1, warmupSteps);
        }
        double progress = (double) (stepsDone - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return switch (kind) {
            case LINEAR -> base * Math.max(0, 1 - progress);
            case COSINE -> base * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * progress)));
        };
    }
}
