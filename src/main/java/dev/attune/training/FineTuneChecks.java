package dev.attune.training;

import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;

import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.CheckpointException;
import dev.attune.checkpoint.HubException;
import dev.attune.dataset.Dataset;
import dev.attune.dataset.DatasetService;
import dev.attune.errors.AttuneException;
import dev.attune.errors.NotFound;
import dev.attune.model.ModelService;
import dev.attune.model.ModelSources;
import dev.attune.modeling.Architectures;
import dev.attune.modeling.ModelConfig;
import dev.attune.modeling.ProblemType;
import dev.attune.modeling.TextEncoder;

import org.springframework.stereotype.Component;

/**
 * What is checked before a fine-tuning job is queued: its data sets exist and fit the problem type and the
 * options, its base model is a loadable checkpoint (config, weights' shapes, tokenizer) whose positions fit.
 */
@Component
public class FineTuneChecks {

    private final DatasetService datasets;
    private final ModelService models;
    private final ModelSources sources;

    FineTuneChecks(DatasetService datasets, ModelService models, ModelSources sources) {
        this.datasets = datasets;
        this.models = models;
        this.sources = sources;
    }

    /** Every problem with a request ("field: what is wrong"), checked before a job is queued. */
    public List<String> problems(FineTuneRequest request) {
        List<String> problems = new ArrayList<>();
        TrainingOptions options = request.options() == null ? TrainingOptions.defaults() : request.options();
        checkDataset(problems, "datasetId", request.datasetId(), true);
        checkDataset(problems, "validationDatasetId", request.validationDatasetId(), false);
        checkDataset(problems, "testDatasetId", request.testDatasetId(), false);
        ProblemType type = options.problemType() != null ? options.problemType() : suggestedProblemType(request.datasetId());
        if (type != null) {
            checkProblemType(problems, request, options, type);
        }
        if (request.baseModel() == null || request.baseModel().isBlank()) {
            problems.add("baseModel: required (a registered model id, a path under the import roots, or a Hub id)");
        } else {
            try {
                ModelConfig config = baseConfig(request.baseModel());
                var block = Architectures.create(config);
                if (options.maxLength() != null && options.maxLength() > block.maxTokens()) {
                    problems.add("maxLength: " + options.maxLength() + " is beyond the model's " + block.maxTokens()
                            + " positions");
                }
                if (options.strategy() == TrainingOptions.Strategy.LAST_LAYERS && options.lastLayers() != null
                        && options.lastLayers() > config.numLayers()) {
                    problems.add("lastLayers: the model has only " + config.numLayers() + " layers");
                }
            } catch (AttuneException e) {
                problems.add("baseModel: " + e.getMessage());
            } catch (HubException e) {
                if (e.status() >= 500) {
                    throw e; // the Hub could not be reached: not a mistake in the request
                }
                problems.add("baseModel: " + e.getMessage());
            } catch (CheckpointException e) {
                problems.add("baseModel: " + e.getMessage());
            }
        }
        return problems;
    }

    /** The problem type a job on this data set trains unless it names one; null when there is no such data set. */
    public ProblemType suggestedProblemType(String datasetId) {
        if (datasetId == null || datasetId.isBlank()) {
            return null;
        }
        try {
            return datasets.get(datasetId).suggestedProblemType();
        } catch (NotFound e) {
            return null;
        }
    }

    /** Whether the data sets, metricForBest, classWeights and thresholds fit the problem type. */
    private void checkProblemType(List<String> problems, FineTuneRequest request, TrainingOptions options,
            ProblemType type) {
        String[][] roles = {{"datasetId", request.datasetId()}, {"validationDatasetId", request.validationDatasetId()},
                {"testDatasetId", request.testDatasetId()}};
        for (String[] role : roles) {
            Dataset dataset = findDataset(role[1]);
            if (dataset == null) {
                continue;
            }
            if (type == ProblemType.REGRESSION && dataset.numericLabels() == null) {
                problems.add(role[0] + ": problemType regression needs one number per row in '" + dataset.labelColumn()
                        + "', but data set '" + dataset.name() + "' has labels such as " + firstLabels(dataset));
            }
            if (type == ProblemType.SINGLE_LABEL_CLASSIFICATION && dataset.multiLabelRows() > 0) {
                problems.add(role[0] + ": " + dataset.multiLabelRows() + " rows of data set '" + dataset.name()
                        + "' have several labels; use problemType multi_label_classification");
            }
        }
        if (!options.metricForBest().appliesTo(type)) {
            problems.add("metricForBest: " + options.metricForBest().id() + " does not apply to " + type.id() + "; use one of "
                    + java.util.Arrays.stream(TrainingOptions.MetricForBest.values()).filter(m -> m.appliesTo(type))
                            .map(TrainingOptions.MetricForBest::id).toList());
        }
        if (type == ProblemType.REGRESSION && options.classWeights().mode() != ClassWeights.Mode.NONE) {
            problems.add("classWeights: a regression has no classes; leave classWeights out");
        }
        Dataset train = findDataset(request.datasetId());
        if (train != null && type.isClassification() && !train.labels().isEmpty()) {
            List<String> unknown = options.classWeights().unknownLabels(List.copyOf(train.labels().keySet()));
            if (!unknown.isEmpty()) {
                problems.add("classWeights: no label " + unknown + " in the training data set; its labels are "
                        + train.labels().keySet());
            }
        }
        if (type != ProblemType.MULTI_LABEL_CLASSIFICATION && !options.thresholds().tuned()) {
            problems.add("thresholds: only multi_label_classification decides by thresholds; leave it out");
        }
    }

    private Dataset findDataset(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        try {
            return datasets.get(id);
        } catch (NotFound e) {
            return null;
        }
    }

    private static String firstLabels(Dataset dataset) {
        return dataset.labels().keySet().stream().limit(3).map(l -> "'" + l + "'").toList().toString();
    }

    /**
     * The base model's configuration, as cheaply as it can be had: a local checkpoint is checked against its
     * weights' headers; for a Hub id only config.json is fetched (the job downloads the weights).
     */
    private ModelConfig baseConfig(String baseModel) {
        Path local = FineTuningService.REGISTERED_ID.matcher(baseModel).matches() ? models.directoryOf(baseModel)
                : sources.localDirectory(baseModel);
        if (local == null) {
            return ModelConfig.parse(sources.hubConfig(baseModel));
        }
        CheckpointDir checkpoint = CheckpointDir.open(local);
        ModelConfig config = ModelConfig.of(checkpoint);
        // a broken tokenizer.json is refused now, as an import refuses it, not when the job runs
        new TextEncoder(checkpoint, config.maxPositions(), config.padTokenId()).close();
        return config;
    }

    private void checkDataset(List<String> problems, String field, String id, boolean required) {
        if (id == null || id.isBlank()) {
            if (required) {
                problems.add(field + ": required (the id of an uploaded data set)");
            }
            return;
        }
        try {
            datasets.get(id);
        } catch (NotFound e) {
            problems.add(field + ": no data set has id '" + id + "'");
        }
    }
}
