package dev.attune.job;

import dev.attune.training.FineTuneRequest;
import dev.attune.training.TrainingOptions;

/**
 * POST /api/v1/jobs: what to fine-tune and how. Every training option may be left out for its default
 * (see {@link TrainingOptions}).
 */
record JobRequest(
        String datasetId,
        String baseModel,
        String validationDatasetId,
        String testDatasetId,
        String name,
        Integer priority,
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

    TrainingOptions options() {
        return new TrainingOptions(strategy, lastLayers, init, epochs, learningRate, batchSize, maxLength, warmupRatio,
                weightDecay, gradientAccumulationSteps, maxGradNorm, seed, scheduler, metricForBest,
                earlyStoppingPatience, evalEverySteps, validationSplit, maxTrainSamples).withDefaults();
    }

    FineTuneRequest fineTuneRequest() {
        return new FineTuneRequest(datasetId, baseModel, validationDatasetId, testDatasetId, name, options());
    }
}
