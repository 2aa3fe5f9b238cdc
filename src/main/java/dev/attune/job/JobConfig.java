package dev.attune.job;

import dev.attune.checkpoint.ModelReference;
import dev.attune.modeling.ProblemType;
import dev.attune.training.FineTuneSpec;
import dev.attune.training.TrainingOptions;

/**
 * The complete configuration of a job, every default resolved at submission, as stored and shown.
 *
 * @param datasetId the training data set
 * @param baseModel a registered model id, a path under the import roots, or a Hub id
 * @param validationDatasetId an explicit validation data set; null: a stratified split of the training set
 * @param testDatasetId a data set scored with the best weights at the end; null: none
 * @param name a display name
 * @param priority higher runs first; equal priorities in submission order
 * @param options every training option
 * @param scoring set for a batch-scoring job (POST /api/v1/predictions): it scores the data set with this model
 *     instead of training; null for a fine-tuning job
 */
record JobConfig(String datasetId, ModelReference baseModel, String validationDatasetId, String testDatasetId,
        String name, int priority, TrainingOptions options, BatchScoring scoring) {

    /**
     * A configuration stored before an option existed lacks it: it reads as what such jobs did. Before problem
     * types, every job was a single-label classifier; before groupByLength, batches were length-grouped.
     */
    JobConfig {
        options = options == null ? TrainingOptions.none() : options;
        if (options.problemType() == null || options.groupByLength() == null) {
            TrainingOptions stored = options;
            options = new TrainingOptions(stored.strategy(), stored.lastLayers(), stored.init(), stored.epochs(),
                    stored.learningRate(), stored.batchSize(), stored.maxLength(), stored.warmupRatio(),
                    stored.weightDecay(), stored.gradientAccumulationSteps(), stored.maxGradNorm(), stored.seed(),
                    stored.scheduler(), stored.metricForBest(), stored.earlyStoppingPatience(), stored.evalEverySteps(),
                    stored.validationSplit(), stored.maxTrainSamples(),
                    stored.problemType() == null ? ProblemType.SINGLE_LABEL_CLASSIFICATION : stored.problemType(),
                    stored.classWeights(), stored.thresholds(), stored.attention(), stored.precision(),
                    stored.groupByLength() == null ? Boolean.TRUE : stored.groupByLength(), stored.longText(),
                    stored.windowStride(), stored.lora());
        }
        options = options.withDefaults(options.problemType(), options.maxLength());
    }

    /** The same configuration under another name (a sweep's trial). */
    JobConfig named(String newName) {
        return new JobConfig(datasetId, baseModel, validationDatasetId, testDatasetId,
                newName.length() > 255 ? newName.substring(0, 255) : newName, priority, options, scoring);
    }

    /** What the run needs of it. */
    FineTuneSpec spec() {
        return new FineTuneSpec(datasetId, validationDatasetId, testDatasetId, options);
    }
}
