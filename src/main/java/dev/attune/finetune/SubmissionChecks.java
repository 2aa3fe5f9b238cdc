package dev.attune.finetune;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Validator;

import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.CheckpointException;
import dev.attune.checkpoint.HubException;
import dev.attune.checkpoint.ModelReference;
import dev.attune.dataset.Dataset;
import dev.attune.dataset.DatasetService;
import dev.attune.errors.AttuneException;
import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.model.ModelService;
import dev.attune.modeling.Architectures;
import dev.attune.modeling.LoraFiles;
import dev.attune.modeling.LoraSettings;
import dev.attune.modeling.ModelConfig;
import dev.attune.modeling.ProblemType;
import dev.attune.modeling.TextEncoder;
import dev.attune.training.ClassWeights;
import dev.attune.training.TrainingOptions;
import dev.attune.training.TrainingOptions.MetricForBest;

import org.springframework.stereotype.Component;

/**
 * What is checked before a fine-tuning job is queued, and what it resolves: its fields are in bounds, its
 * data sets exist and fit the problem type and the options (each read once), its base model is a loadable
 * checkpoint (config, weights' shapes, tokenizer) whose positions fit. Every problem is listed at once; a
 * job that passes gets its configuration with every default filled in.
 */
@Component
public class SubmissionChecks {

    private final DatasetService datasets;
    private final ModelService models;
    private final Validator validator;

    SubmissionChecks(DatasetService datasets, ModelService models, Validator validator) {
        this.datasets = datasets;
        this.models = models;
        this.validator = validator;
    }

    /** The job's stored configuration; throws InvalidInput listing every problem ("field: what is wrong"). */
    public FineTuningConfig resolve(JobRequest request) {
        return resolve(request, null);
    }

    /**
     * @param jobId the id the job will have: a default name ends with its first 8 characters, so two jobs on the same
     *     base and data have different names (and their models' downloads different file names)
     */
    public FineTuningConfig resolve(JobRequest request, String jobId) {
        List<String> problems = new ArrayList<>();
        validator.validate(request).stream()
                .map(v -> v.getPropertyPath().toString().replace("options.", "") + ": " + v.getMessage() + ", was "
                        + v.getInvalidValue())
                .sorted().forEach(problems::add);
        Map<String, Dataset> roles = new LinkedHashMap<>();
        readDataset(problems, roles, "datasetId", request.datasetId(), true);
        readDataset(problems, roles, "validationDatasetId", request.validationDatasetId(), false);
        readDataset(problems, roles, "testDatasetId", request.testDatasetId(), false);
        TrainingOptions asked = request.options();
        Dataset train = roles.get("datasetId");
        checkTextPairs(problems, roles);
        ProblemType type = asked.problemType() != null ? asked.problemType()
                : train != null ? train.suggestedProblemType() : null;
        TrainingOptions options = asked.withDefaults(type, null);
        if (type != null) {
            checkProblemType(problems, roles, options, type);
        }
        if (asked.lora() != null && options.strategy() != TrainingOptions.Strategy.LORA) {
            problems.add("lora: applies to strategy lora only (strategy is " + options.strategy().id()
                    + "); leave it out or set strategy lora");
        }
        if (asked.setfit() != null && options.strategy() != TrainingOptions.Strategy.SETFIT) {
            problems.add("setfit: applies to strategy setfit only (strategy is " + options.strategy().id()
                    + "); leave it out or set strategy setfit");
        }
        if (options.strategy() == TrainingOptions.Strategy.SETFIT) {
            SetFitChecks.check(problems, train, type, asked, options);
        }
        BaseFacts base = new BaseFacts(null, null);
        if (request.baseModel() == null) {
            problems.add("baseModel: required (a registered model id, a path under the import roots, or a Hub id)");
        } else {
            base = checkBaseModel(problems, request.baseModel(), options);
        }
        if (!problems.isEmpty()) {
            String listed = String.join("; ", problems);
            throw new InvalidInput("Invalid job", "The job cannot run: " + listed + (listed.endsWith(".") ? "" : ".")
                    + " Correct these fields and submit again.").with("errors", problems);
        }
        String name = request.name() != null && !request.name().isBlank() ? request.name().trim()
                : models.displayName(request.baseModel()) + " " + options.strategy().id() + " on "
                        + train.name().replaceFirst("\\.(csv|tsv|jsonl|json)(\\.gz)?$", "")
                        + (jobId == null ? "" : " " + jobId.substring(0, Math.min(8, jobId.length())));
        return new FineTuningConfig(request.datasetId(), request.baseModel(), blankToNull(request.validationDatasetId()),
                blankToNull(request.testDatasetId()), name.length() > 255 ? name.substring(0, 255) : name,
                request.priority() == null ? 0 : request.priority(),
                asked.withDefaults(type, base.tokenizerMaxLength()).withLoraTargets(base.modelType()));
    }

    /** What the base model's files say: its tokenizer's maxLength (null for a Hub model) and its model_type. */
    private record BaseFacts(Integer tokenizerMaxLength, String modelType) {
    }

    /**
     * Checks the base model as cheaply as it can be had (a local checkpoint against its weights' headers and
     * its tokenizer; for a Hub id only config.json is fetched, the job downloads the weights).
     *
     * @return the tokenizer's default maximum length (null for a Hub model: the run reads it) and the model type
     */
    private BaseFacts checkBaseModel(List<String> problems, ModelReference base, TrainingOptions options) {
        try {
            Path local = models.localCheckpointOf(base);
            ModelConfig config;
            Integer tokenizerMaxLength = null;
            if (local != null && LoraFiles.isAdapter(local)) {
                problems.add("baseModel: model " + base.text() + " is a LoRA adapter; fine-tune from its base model, or "
                        + "import its merged download (format=checkpoint) and fine-tune from that");
                return new BaseFacts(null, null);
            }
            if (local == null) {
                config = ModelConfig.parse(models.hubConfig((ModelReference.HubRepo) base));
            } else {
                CheckpointDir checkpoint = CheckpointDir.open(local);
                checkLoraTargets(problems, options, checkpoint);
                config = ModelConfig.of(checkpoint);
                // a broken tokenizer.json is refused now, as an import refuses it, not when the job runs
                try (TextEncoder encoder = new TextEncoder(checkpoint, Architectures.maxTokens(config),
                        config.padTokenId())) {
                    tokenizerMaxLength = encoder.defaultMaxLength();
                }
            }
            Architectures.check(config);
            int maxTokens = Architectures.maxTokens(config);
            if (options.maxLength() != null && options.maxLength() > maxTokens) {
                problems.add("maxLength: " + options.maxLength() + " is beyond the model's " + maxTokens + " positions");
            }
            if (options.lastLayers() != null && options.lastLayers() > config.numLayers()) {
                problems.add("lastLayers: the model has only " + config.numLayers() + " layers");
            }
            return new BaseFacts(tokenizerMaxLength, config.modelType());
        } catch (AttuneException | CheckpointException e) {
            problems.add("baseModel: " + e.getMessage());
        } catch (HubException e) {
            if (e.status() >= 500) {
                throw e; // the Hub could not be reached: not a mistake in the request
            }
            problems.add("baseModel: " + e.getMessage());
        }
        return new BaseFacts(null, null);
    }

    /** LoRA target modules asked for must name linear layers of the base (by their weights' names and shapes). */
    private static void checkLoraTargets(List<String> problems, TrainingOptions options, CheckpointDir checkpoint) {
        if (options.lora() == null || options.lora().targetModules() == null) {
            return;
        }
        List<String> linear = LoraSettings.linearModules(checkpoint.tensorShapes());
        if (linear.stream().noneMatch(options.lora()::targets)) {
            problems.add("lora.targetModules: " + options.lora().targetModules() + " match no linear layer of this "
                    + "model; its linear layers are named " + LoraSettings.layerNames(linear)
                    + " (or longer ends, such as attention.output.dense)");
        }
    }

    /** Whether the data sets, metricForBest, classWeights and thresholds fit the problem type. */
    private static void checkProblemType(List<String> problems, Map<String, Dataset> roles, TrainingOptions options,
            ProblemType type) {
        roles.forEach((role, dataset) -> {
            if (type == ProblemType.REGRESSION && dataset.numericLabels() == null) {
                problems.add(role + ": problemType regression needs one number per row in '" + dataset.labelColumn()
                        + "', but data set '" + dataset.name() + "' has labels such as " + firstLabels(dataset));
            }
            if (type == ProblemType.SINGLE_LABEL_CLASSIFICATION && dataset.multiLabelRows() > 0) {
                problems.add(role + ": " + dataset.multiLabelRows() + " rows of data set '" + dataset.name()
                        + "' have several labels; use problemType multi_label_classification");
            }
        });
        if (!options.metricForBest().appliesTo(type)) {
            problems.add("metricForBest: " + options.metricForBest().id() + " does not apply to " + type.id()
                    + "; use one of " + Arrays.stream(MetricForBest.values()).filter(m -> m.appliesTo(type))
                            .map(MetricForBest::id).toList());
        }
        if (type == ProblemType.REGRESSION && options.classWeights().mode() != ClassWeights.Mode.NONE) {
            problems.add("classWeights: a regression has no classes; leave classWeights out");
        }
        Dataset train = roles.get("datasetId");
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

    /** A pair classifier trains, validates and tests on pairs; a single-text one on single texts. */
    private static void checkTextPairs(List<String> problems, Map<String, Dataset> roles) {
        Dataset train = roles.get("datasetId");
        if (train == null) {
            return;
        }
        roles.forEach((role, dataset) -> {
            if (dataset.hasTextPairs() != train.hasTextPairs()) {
                problems.add(role + ": data set '" + dataset.name() + "' has " + kind(dataset) + " but the training data "
                        + "set '" + train.name() + "' has " + kind(train) + "; use data sets of the same kind");
            }
        });
    }

    private static String kind(Dataset dataset) {
        return dataset.hasTextPairs() ? "text pairs (column '" + dataset.textPairColumn() + "')" : "single texts";
    }

    /** Reads a data set the job names, once; a missing one is a problem of its field. */
    private void readDataset(List<String> problems, Map<String, Dataset> roles, String field, String id,
            boolean required) {
        if (id == null || id.isBlank()) {
            if (required) {
                problems.add(field + ": required (the id of an uploaded data set)");
            }
            return;
        }
        try {
            Dataset dataset = datasets.get(id);
            if (!dataset.labelled()) {
                problems.add(field + ": data set '" + dataset.name() + "' has no labels (uploaded unlabelled): score it "
                        + "with a batch prediction and select rows to label, then train on a labelled data set (or its "
                        + "next version with the rows labelled)");
                return;
            }
            roles.put(field, dataset);
        } catch (NotFound e) {
            problems.add(field + ": no data set has id '" + id + "'");
        }
    }

    private static String firstLabels(Dataset dataset) {
        return dataset.labels().keySet().stream().limit(3).map(l -> "'" + l + "'").toList().toString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
