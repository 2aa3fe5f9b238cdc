package dev.attune.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Arrays;

/**
 * Everything a fine-tuning run can be asked for; null fields take the defaults of
 * {@link #withDefaults()} (transformers' Trainer defaults where it has one).
 *
 * @param strategy full (every weight), last_layers (top {@code lastLayers} encoder layers + head) or
 *     head (encoder frozen, its features computed once and cached)
 * @param init pretrained (the checkpoint's weights) or random (same architecture, fresh weights)
 * @param evalEverySteps evaluate every N optimizer steps; null or 0: at the end of each epoch
 * @param validationSplit fraction of the training set held out (stratified, seeded) when no
 *     validation data set is given
 */
public record TrainingOptions(
        String strategy,
        Integer lastLayers,
        String init,
        Integer epochs,
        Double learningRate,
        Integer batchSize,
        Integer maxLength,
        Double warmupRatio,
        Double weightDecay,
        Integer gradientAccumulationSteps,
        Double maxGradNorm,
        Long seed,
        String scheduler,
        String metricForBest,
        Integer earlyStoppingPatience,
        Integer evalEverySteps,
        Double validationSplit,
        Integer maxTrainSamples) {

    public enum Strategy { FULL, LAST_LAYERS, HEAD }

    public enum Init { PRETRAINED, RANDOM }

    public enum Scheduler { LINEAR, COSINE }

    public enum MetricForBest { ACCURACY, F1_MACRO, LOSS }

    public static TrainingOptions defaults() {
        return new TrainingOptions(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null).withDefaults();
    }

    /** This configuration with every missing value filled in. */
    public TrainingOptions withDefaults() {
        String s = strategy == null ? "full" : strategy.trim().toLowerCase(Locale.ROOT);
        return new TrainingOptions(s,
                lastLayers == null ? ("last_layers".equals(s) ? 2 : null) : lastLayers,
                init == null ? "pretrained" : init.trim().toLowerCase(Locale.ROOT),
                epochs == null ? 3 : epochs,
                learningRate == null ? ("head".equals(s) ? 1e-3 : 5e-5) : learningRate,
                batchSize == null ? 32 : batchSize,
                maxLength,
                warmupRatio == null ? 0.06 : warmupRatio,
                weightDecay == null ? 0.01 : weightDecay,
                gradientAccumulationSteps == null ? 1 : gradientAccumulationSteps,
                maxGradNorm == null ? 1.0 : maxGradNorm,
                seed == null ? 42L : seed,
                scheduler == null ? "linear" : scheduler.trim().toLowerCase(Locale.ROOT),
                metricForBest == null ? "accuracy" : metricForBest.trim().toLowerCase(Locale.ROOT),
                earlyStoppingPatience,
                evalEverySteps,
                validationSplit == null ? 0.1 : validationSplit,
                maxTrainSamples);
    }

    /**
     * Every problem with these (defaulted) options that their bounds alone cannot show (names of
     * strategies and schedules, options that need each other), as "field: what is wrong". The
     * numeric bounds are declared on the API's request (Bean Validation).
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        check(problems, "strategy", strategy, Strategy.class);
        check(problems, "init", init, Init.class);
        check(problems, "scheduler", scheduler, Scheduler.class);
        check(problems, "metricForBest", metricForBest, MetricForBest.class);
        if ("last_layers".equals(strategy) && (lastLayers == null || lastLayers < 1)) {
            problems.add("lastLayers: strategy last_layers needs lastLayers >= 1, was " + lastLayers);
        }
        return problems;
    }

    @JsonIgnore
    public Strategy strategyValue() {
        return Strategy.valueOf(strategy.toUpperCase(Locale.ROOT));
    }

    @JsonIgnore
    public Init initValue() {
        return Init.valueOf(init.toUpperCase(Locale.ROOT));
    }

    @JsonIgnore
    public Scheduler schedulerValue() {
        return Scheduler.valueOf(scheduler.toUpperCase(Locale.ROOT));
    }

    @JsonIgnore
    public MetricForBest metricForBestValue() {
        return MetricForBest.valueOf(metricForBest.toUpperCase(Locale.ROOT));
    }

    private static <E extends Enum<E>> void check(List<String> problems, String field, String value, Class<E> type) {
        List<String> allowed = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        if (value == null || !allowed.contains(value)) {
            problems.add(field + ": must be one of " + allowed + ", was " + value);
        }
    }
}
