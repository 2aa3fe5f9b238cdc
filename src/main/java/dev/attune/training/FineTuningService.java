package dev.attune.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.HubException;
import dev.attune.dataset.DatasetRow;
import dev.attune.dataset.DatasetService;
import dev.attune.engine.EngineInfo;
import dev.attune.model.ModelMetrics;
import dev.attune.model.ModelService;
import dev.attune.model.ModelSources;
import dev.attune.model.Origin;
import dev.attune.model.RegisteredModel;
import dev.attune.modeling.Architectures;
import dev.attune.checkpoint.CheckpointException;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.ModelConfig;
import dev.attune.errors.AttuneException;
import dev.attune.errors.NotFound;

import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs one fine-tuning end to end: reads the data sets, loads the base model with a fresh head for
 * the data set's labels, trains, scores the best weights on the test set, and registers them as a
 * model with their metrics. Callers (the job executor) run one at a time: DJL allows a single
 * gradient collector per JVM.
 */
@Service
public class FineTuningService {

    private static final Pattern REGISTERED_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final DatasetService datasets;
    private final ModelService models;
    private final ModelSources sources;
    private final EngineInfo engine;
    private final ObjectMapper mapper;

    FineTuningService(DatasetService datasets, ModelService models, ModelSources sources, EngineInfo engine,
            ObjectMapper mapper) {
        this.datasets = datasets;
        this.models = models;
        this.sources = sources;
        this.engine = engine;
        this.mapper = mapper;
    }

    /** Every problem with a request ("field: what is wrong"), checked before a job is queued. */
    public List<String> problems(FineTuneRequest request) {
        List<String> problems = new ArrayList<>();
        TrainingOptions options = request.options() == null ? TrainingOptions.defaults() : request.options();
        checkDataset(problems, "datasetId", request.datasetId(), true);
        checkDataset(problems, "validationDatasetId", request.validationDatasetId(), false);
        checkDataset(problems, "testDatasetId", request.testDatasetId(), false);
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

    public FineTuneOutcome run(FineTuneRequest request, String jobId, RunDirectory run, TrainingListener listener)
            throws IOException {
        TrainingOptions options = request.options() == null ? TrainingOptions.defaults() : request.options();
        listener.onPhase(TrainingListener.Phase.PREPARING, 0, 0);
        Engine.getInstance().setRandomSeed((int) (long) options.seed());
        List<DatasetRow> rows = datasets.allRows(request.datasetId());
        List<String> labels = LabelledData.labelsOf(rows);
        List<Example> all = LabelledData.toExamples(rows, labels);
        List<Example> train;
        List<Example> validation;
        if (request.validationDatasetId() != null && !request.validationDatasetId().isBlank()) {
            train = all;
            validation = examplesOf(request.validationDatasetId(), labels, "validation");
        } else {
            List<Example> pool = sampleFor(all, options, listener);
            LabelledData.Split split = LabelledData.stratifiedSplit(pool, options.validationSplit(), options.seed());
            train = split.train();
            validation = split.validation();
        }
        train = LabelledData.limit(train, options.maxTrainSamples());
        listener.log("labels " + labels + "; " + train.size() + " training and " + validation.size()
                + " validation examples");

        Device device = engine.defaultDevice();
        ResumePoint resume = run.resumePoint();
        boolean resuming = resume.exists();
        // the run's own copy: the registered model or Hub snapshot may be deleted while it trains
        Path baseDir = resuming ? run.base() : run.pin(baseModelDir(request.baseModel()));
        boolean random = options.init() == TrainingOptions.Init.RANDOM;
        Path bestDir = run.best();
        TrainingResult result;
        try (ClassifierModel model = resuming ? ClassifierModel.load(resume.modelDir(), device)
                : ClassifierModel.load(baseDir, device, labels, random)) {
            int maxLength = options.maxLength() != null ? options.maxLength() : model.textEncoder().defaultMaxLength();
            long padId = model.config().padTokenId();
            listener.log("base model " + request.baseModel() + " (" + model.config().modelType() + ", "
                    + (random ? "random init" : "pretrained") + ") on " + device + ", max length " + maxLength);
            TokenizedExamples trainData = TokenizedExamples.of(train, model.textEncoder(), maxLength, padId);
            TokenizedExamples validationData = TokenizedExamples.of(validation, model.textEncoder(), maxLength, padId);
            result = new FineTuner(model, options, listener).train(trainData, validationData, bestDir, resume);
        }
        if (result.best() == null) {
            throw new TrainingFailedException("no_evaluation", "The run ended before any evaluation.");
        }
        try (ClassifierModel best = ClassifierModel.load(bestDir, device)) {
            ClassificationMetrics test = null;
            if (request.testDatasetId() != null && !request.testDatasetId().isBlank()) {
                List<Example> testExamples = examplesOf(request.testDatasetId(), labels, "test");
                int maxLength = options.maxLength() != null ? options.maxLength() : best.textEncoder().defaultMaxLength();
                test = FineTuner.evaluate(best, TokenizedExamples.of(testExamples, best.textEncoder(), maxLength,
                        best.config().padTokenId()), options.batchSize() * 2, listener);
                listener.log("test: accuracy %.4f, F1 %.4f on %d examples".formatted(test.accuracy(), test.f1Macro(),
                        test.count()));
            }
            String name = request.name() != null && !request.name().isBlank() ? request.name()
                    : "fine-tuned " + baseName(request.baseModel()) + " on " + datasets.get(request.datasetId()).name();
            listener.onPhase(TrainingListener.Phase.SAVING, 0, 0);
            RegisteredModel registered = models.register(best, name, request.baseModel(), Origin.JOB, jobId,
                    metricsOf(result, test, options));
            resume.delete();
            return new FineTuneOutcome(registered, result, test);
        }
    }

    /**
     * With maxTrainSamples and no validation data set, the hold-out comes from a stratified sample just
     * large enough for the training cap plus its validation share, not from the whole file: otherwise
     * 3,000 training rows of a 67,000-row file would be validated on 6,700 rows, three times longer
     * than the training itself.
     */
    private static List<Example> sampleFor(List<Example> all, TrainingOptions options, TrainingListener listener) {
        if (options.maxTrainSamples() == null) {
            return all;
        }
        int wanted = (int) Math.ceil(options.maxTrainSamples() / (1 - options.validationSplit()));
        if (wanted >= all.size()) {
            return all;
        }
        List<Example> sample = LabelledData.stratifiedSplit(all, (double) wanted / all.size(), options.seed()).validation();
        listener.log("maxTrainSamples " + options.maxTrainSamples() + ": a stratified sample of " + sample.size() + " of "
                + all.size() + " rows, from which the validation share is held out");
        return sample;
    }

    /** A short name for the base model: a registered model's name, else the last part of its path or Hub id. */
    private String baseName(String baseModel) {
        if (REGISTERED_ID.matcher(baseModel).matches()) {
            return models.find(baseModel).map(RegisteredModel::name).orElse(baseModel);
        }
        String trimmed = baseModel.replaceAll("[/\\\\]+$", "");
        return trimmed.substring(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1);
    }

    private ModelMetrics metricsOf(TrainingResult result, ClassificationMetrics test, TrainingOptions options) {
        EvaluationPoint best = result.best();
        return new ModelMetrics(options.metricForBest().id(), best.metrics().score(options.metricForBest()), best.step(),
                best.epoch(), mapper.valueToTree(best.metrics()), test == null ? null : mapper.valueToTree(test));
    }

    private List<Example> examplesOf(String datasetId, List<String> labels, String role) {
        List<DatasetRow> rows = datasets.allRows(datasetId);
        try {
            return LabelledData.toExamples(rows, labels);
        } catch (IllegalArgumentException e) {
            throw new TrainingFailedException("label_mismatch", "The " + role + " data set has a " + e.getMessage());
        }
    }

    /**
     * The base model's configuration, as cheaply as it can be had: a local checkpoint is checked against its
     * weights' headers; for a Hub id only config.json is fetched (the job downloads the weights).
     */
    private ModelConfig baseConfig(String baseModel) {
        if (REGISTERED_ID.matcher(baseModel).matches()) {
            return ModelConfig.of(CheckpointDir.open(models.directoryOf(baseModel)));
        }
        Path local = sources.localDirectory(baseModel);
        return local != null ? ModelConfig.of(CheckpointDir.open(local)) : ModelConfig.parse(sources.hubConfig(baseModel));
    }

    /** A registered model's directory, or a source resolved through the import roots or the Hub. */
    public Path baseModelDir(String baseModel) {
        if (REGISTERED_ID.matcher(baseModel).matches()) {
            return models.directoryOf(baseModel);
        }
        return sources.resolve(baseModel, null).dir();
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
