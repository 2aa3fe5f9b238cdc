package dev.attune.finetune;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.swagger.v3.oas.annotations.media.Schema;

import dev.attune.checkpoint.ModelReference;
import dev.attune.job.JobKind;
import dev.attune.job.JobSpec;
import dev.attune.modeling.ProblemType;
import dev.attune.training.FineTuneSpec;
import dev.attune.training.TrainingOptions;

/**
 * The complete configuration of a fine-tuning job, every default resolved at submission, as stored and shown.
 * Its schema keeps the name it had when it was the only kind of job ({@code JobConfig}); a stored config read here
 * may still carry the {@code scoring} field all jobs had then (null for fine-tuning), which is ignored.
 *
 * @param datasetId the training data set
 * @param baseModel a registered model id, a path under the import roots, or a Hub id
 * @param validationDatasetId an explicit validation data set; null: a stratified split of the training set
 * @param testDatasetId a data set scored with the best weights at the end; null: none
 * @param name a display name
 * @param priority higher runs first; equal priorities in submission order
 * @param options every training option
 */
@Schema(name = "JobConfig")
@JsonIgnoreProperties(ignoreUnknown = true)
public record FineTuningConfig(String datasetId, ModelReference baseModel, String validationDatasetId,
        String testDatasetId, String name, int priority, TrainingOptions options) implements JobSpec {

    /** Fine-tuning jobs: the kind id every job had before kinds were stored. */
    public static final JobKind KIND = new JobKind("training", FineTuningConfig.class);

    /**
     * A configuration stored before an option existed lacks it: it reads as what such jobs did. Before problem
     * types, every job was a single-label classifier; before groupByLength, batches were length-grouped.
     */
    public FineTuningConfig {
        options = options == null ? TrainingOptions.none() : options;
        if (options.problemType() == null || options.groupByLength() == null) {
            TrainingOptions stored = options;
            options = new TrainingOptions(stored.strategy(), stored.lastLayers(), stored.init(), stored.epochs(),
                    stored.learningRate(), stored.batchSize(), stored.maxLength(), stored.warmupRatio(),
                    stored.weightDecay(), stored.gradientAccumulationSteps(), stored.maxGradNorm(), stored.seed(),
                    stored.scheduler(), stored.metricForBest(), stored.earlyStoppingPatience(), stored.evalEverySteps(),
                    stored.validationSplit(), stored.maxTrainSamples(),
                    stored.problemType() == null ? ProblemType.SINGLE_LABEL_CLASSIFICATION : stored.problemType(),
                    stored.classWeights(), stored.thresholds(), stored.attention(), stored.attentionDropout(),
                    stored.precision(),
                    stored.groupByLength() == null ? Boolean.TRUE : stored.groupByLength(), stored.longText(),
                    stored.windowStride(), stored.lora(), stored.setfit());
        }
        options = options.withDefaults(options.problemType(), options.maxLength());
    }

    @Override
    public JobKind kind() {
        return KIND;
    }

    @Override
    public Inputs inputs() {
        return new Inputs(datasetId, validationDatasetId, testDatasetId, baseModel.text());
    }

    /** The same configuration under another name (a sweep's trial). */
    public FineTuningConfig named(String newName) {
        return new FineTuningConfig(datasetId, baseModel, validationDatasetId, testDatasetId,
                newName.length() > 255 ? newName.substring(0, 255) : newName, priority, options);
    }

    /** What the run needs of it. */
    FineTuneSpec spec() {
        return new FineTuneSpec(datasetId, validationDatasetId, testDatasetId, options);
    }
}
