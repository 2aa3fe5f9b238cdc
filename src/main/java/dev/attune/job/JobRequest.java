package dev.attune.job;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import dev.attune.training.FineTuneRequest;
import dev.attune.training.TrainingOptions;

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

    TrainingOptions options() {
        return new TrainingOptions(strategy, lastLayers, init, epochs, learningRate, batchSize, maxLength, warmupRatio,
                weightDecay, gradientAccumulationSteps, maxGradNorm, seed, scheduler, metricForBest,
                earlyStoppingPatience, evalEverySteps, validationSplit, maxTrainSamples).withDefaults();
    }

    FineTuneRequest fineTuneRequest() {
        return new FineTuneRequest(datasetId, baseModel, validationDatasetId, testDatasetId, name, options());
    }
}
