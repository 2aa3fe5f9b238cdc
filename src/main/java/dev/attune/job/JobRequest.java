package dev.attune.job;

import java.util.ArrayList;
import java.util.List;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import dev.attune.training.FineTuneRequest;
import dev.attune.training.TrainingOptions;
import dev.attune.training.TrainingOptions.Init;
import dev.attune.training.TrainingOptions.MetricForBest;
import dev.attune.training.TrainingOptions.Scheduler;
import dev.attune.training.TrainingOptions.Strategy;

/**
 * POST /api/v1/jobs: what to fine-tune and how. Every training option may be left out for its default
 * (see {@link TrainingOptions}). The bounds keep one job from taking the machine: a batch of a
 * million texts or a billion epochs is refused before it is queued.
 */
record JobRequest(
        String datasetId,
        String baseModel,
        String validationDatasetId,
        String testDatasetId,
        @Size(max = 255) String name,
        @Min(-100) @Max(100) Integer priority,
        String strategy,
        @Min(1) @Max(1000) Integer lastLayers,
        String init,
        @Min(1) @Max(1000) Integer epochs,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Double learningRate,
        @Min(1) @Max(1024) Integer batchSize,
        @Min(2) @Max(8192) Integer maxLength,
        @DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Double warmupRatio,
        @DecimalMin("0") @DecimalMax("1") Double weightDecay,
        @Min(1) @Max(1024) Integer gradientAccumulationSteps,
        @DecimalMin("0") @DecimalMax("1000000") Double maxGradNorm,
        Long seed,
        String scheduler,
        String metricForBest,
        @Min(1) @Max(1000) Integer earlyStoppingPatience,
        @Min(0) @Max(1_000_000) Integer evalEverySteps,
        @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false) Double validationSplit,
        @Min(2) Integer maxTrainSamples) {

    /** The options asked for, defaults filled in; a misspelt name takes its default ({@link #nameProblems} says so). */
    TrainingOptions options() {
        return TrainingOptions.builder()
                .strategy(TrainingOptions.parse(Strategy.class, strategy).orElse(null))
                .lastLayers(lastLayers)
                .init(TrainingOptions.parse(Init.class, init).orElse(null))
                .epochs(epochs).learningRate(learningRate).batchSize(batchSize).maxLength(maxLength)
                .warmupRatio(warmupRatio).weightDecay(weightDecay)
                .gradientAccumulationSteps(gradientAccumulationSteps).maxGradNorm(maxGradNorm).seed(seed)
                .scheduler(TrainingOptions.parse(Scheduler.class, scheduler).orElse(null))
                .metricForBest(TrainingOptions.parse(MetricForBest.class, metricForBest).orElse(null))
                .earlyStoppingPatience(earlyStoppingPatience).evalEverySteps(evalEverySteps)
                .validationSplit(validationSplit).maxTrainSamples(maxTrainSamples)
                .build();
    }

    /** "field: must be one of [...]" for every named option (strategy, init...) that names nothing. */
    List<String> nameProblems() {
        List<String> problems = new ArrayList<>();
        checkName(problems, "strategy", strategy, Strategy.class);
        checkName(problems, "init", init, Init.class);
        checkName(problems, "scheduler", scheduler, Scheduler.class);
        checkName(problems, "metricForBest", metricForBest, MetricForBest.class);
        return problems;
    }

    private static <E extends Enum<E>> void checkName(List<String> problems, String field, String value, Class<E> type) {
        if (value != null && TrainingOptions.parse(type, value).isEmpty()) {
            problems.add(field + ": must be one of " + TrainingOptions.idsOf(type) + ", was " + value);
        }
    }

    FineTuneRequest fineTuneRequest() {
        return new FineTuneRequest(datasetId, baseModel, validationDatasetId, testDatasetId, name, options());
    }
}
