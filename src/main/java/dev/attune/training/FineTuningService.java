package dev.attune.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import ai.djl.Device;
import dev.attune.dataset.Dataset;
import dev.attune.dataset.DatasetRow;
import dev.attune.dataset.DatasetService;
import dev.attune.model.ModelMetrics;
import dev.attune.model.QuantizationCheck;
import dev.attune.model.ModelService;
import dev.attune.model.ModelSources;
import dev.attune.model.Origin;
import dev.attune.model.RegisteredModel;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ProblemType;

import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs one fine-tuning end to end: reads the data sets, loads the base model with a fresh head for
 * the data set's labels, trains, scores the best weights on the test set, and registers them as a
 * model with their metrics. Several runs may train at once, one per worker device: each records its
 * gradients on its own thread ({@link ThreadGradients}) and takes turns on the shared random generator
 * ({@link GlobalGenerator}).
 */
@Service
public class FineTuningService {

    /** A registered model's id, as a job's baseModel may name one. */
    static final Pattern REGISTERED_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final DatasetService datasets;
    private final ModelService models;
    private final ModelSources sources;
    private final ObjectMapper mapper;

    FineTuningService(DatasetService datasets, ModelService models, ModelSources sources, ObjectMapper mapper) {
        this.datasets = datasets;
        this.models = models;
        this.sources = sources;
        this.mapper = mapper;
    }

    /** Trains on the device a worker owns (several workers may train at once, each on its own device). */
    public FineTuneOutcome run(FineTuneRequest request, String jobId, RunDirectory run, Device device,
            TrainingListener listener) throws IOException {
        TrainingOptions options = request.options() == null ? TrainingOptions.defaults() : request.options();
        Dataset dataset = datasets.get(request.datasetId());
        if (options.problemType() == null) {
            ProblemType suggested = dataset.suggestedProblemType();
            options = options.toBuilder().problemType(suggested)
                    .metricForBest(options.metricForBest().appliesTo(suggested) ? options.metricForBest() : null).build();
        }
        ProblemType type = options.problemType();
        listener.onPhase(TrainingListener.Phase.PREPARING, 0, 0);
        List<DatasetRow> rows = datasets.allRows(request.datasetId());
        List<String> labels = type == ProblemType.REGRESSION ? List.of(dataset.labelColumn()) : LabelledData.labelsOf(rows);
        List<Example> all = examplesOf(rows, labels, type, "training");
        List<Example> train;
        List<Example> validation;
        if (request.validationDatasetId() != null && !request.validationDatasetId().isBlank()) {
            train = all;
            validation = examplesOf(datasets.allRows(request.validationDatasetId()), labels, type, "validation");
        } else {
            List<Example> pool = sampleFor(all, options, listener);
            LabelledData.Split split = LabelledData.split(pool, options.validationSplit(), options.seed(), type);
            train = split.train();
            validation = split.validation();
        }
        train = LabelledData.limit(train, options.maxTrainSamples());
        listener.log(type.id() + (type.isClassification() ? ", labels " + labels : ", target '" + labels.get(0) + "'")
                + "; " + train.size() + " training and " + validation.size() + " validation examples");
        if (type.isClassification()) {
            List<String> unseen = LabelledData.labelsMissingFrom(validation, labels);
            if (!unseen.isEmpty()) {
                listener.log("warning: no validation example has label(s) " + unseen
                        + " (too few rows to hold any out): their validation figures are 0 and say nothing");
            }
        }

        ResumePoint resume = run.resumePoint();
        boolean resuming = resume.exists();
        // the run's own copy: the registered model or Hub snapshot may be deleted while it trains
        Path baseDir = resuming ? run.base() : run.pin(baseModelDir(request.baseModel()));
        boolean random = options.init() == TrainingOptions.Init.RANDOM;
        Path bestDir = run.best();
        TrainingResult result;
        TrainingOptions chosen = options;
        // a new head's initial weights come from libtorch's process-wide generator: seeded and drawn in one turn
        try (ClassifierModel model = resuming ? ClassifierModel.load(resume.modelDir(), device, options.attention())
                : GlobalGenerator.seeded((int) options.seed(), () -> ClassifierModel.load(baseDir, device, labels, type, random,
                        chosen.attention()))) {
            Precision precision = model.usePrecision(options.precision());
            int maxLength = options.maxLength() != null ? options.maxLength() : model.textEncoder().defaultMaxLength();
            long padId = model.config().padTokenId();
            listener.log("base model " + request.baseModel() + " (" + model.config().modelType() + ", "
                    + (random ? "random init" : "pretrained") + ") on " + device + ", max length " + maxLength
                    + ", attention " + options.attention().id() + ", precision " + precision.id()
                    + (options.precision() == Precision.AUTO ? " (auto)" : "") + ", "
                    + (options.groupByLength() ? "length-grouped" : "random") + " batches");
            TokenizedExamples trainData = TokenizedExamples.of(train, model.textEncoder(), maxLength, padId);
            TokenizedExamples validationData = TokenizedExamples.of(validation, model.textEncoder(), maxLength, padId);
            result = new FineTuner(model, options, listener).train(trainData, validationData, bestDir, resume);
        }
        if (result.best() == null) {
            throw new TrainingFailedException("no_evaluation", "The run ended before any evaluation.");
        }
        try (ClassifierModel best = ClassifierModel.load(bestDir, device, options.attention())) {
            best.usePrecision(options.precision());
            EvaluationMetrics test = null;
            if (request.testDatasetId() != null && !request.testDatasetId().isBlank()) {
                List<Example> testExamples = examplesOf(datasets.allRows(request.testDatasetId()), labels, type, "test");
                int maxLength = options.maxLength() != null ? options.maxLength() : best.textEncoder().defaultMaxLength();
                test = FineTuner.evaluate(best, TokenizedExamples.of(testExamples, best.textEncoder(), maxLength,
                        best.config().padTokenId()), options.batchSize() * 2, listener);
                listener.log("test on %d examples: %s".formatted(test.count(), test.summary()));
            }
            QuantizationCheck quantization = Int8Check.measure(best, validation, options.maxLength(), listener);
            String name = request.name() != null && !request.name().isBlank() ? request.name()
                    : "fine-tuned " + baseName(request.baseModel()) + " on " + dataset.name();
            listener.onPhase(TrainingListener.Phase.SAVING, 0, 0);
            RegisteredModel registered = models.register(best, name, request.baseModel(), Origin.JOB, jobId,
                    metricsOf(result, test, quantization, options));
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
        List<Example> sample = LabelledData.split(all, (double) wanted / all.size(), options.seed(), options.problemType())
                .validation();
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

    private ModelMetrics metricsOf(TrainingResult result, EvaluationMetrics test, QuantizationCheck quantization,
            TrainingOptions options) {
        EvaluationPoint best = result.best();
        return new ModelMetrics(options.metricForBest().id(), best.metrics().score(options.metricForBest()), best.step(),
                best.epoch(), mapper.valueToTree(best.metrics()), test == null ? null : mapper.valueToTree(test),
                quantization);
    }

    private static List<Example> examplesOf(List<DatasetRow> rows, List<String> labels, ProblemType type, String role) {
        try {
            return LabelledData.toExamples(rows, labels, type);
        } catch (IllegalArgumentException e) {
            throw new TrainingFailedException("label_mismatch", "The " + role + " data set has a " + e.getMessage());
        }
    }

    /** A registered model's directory, or a source resolved through the import roots or the Hub. */
    public Path baseModelDir(String baseModel) {
        if (REGISTERED_ID.matcher(baseModel).matches()) {
            return models.directoryOf(baseModel);
        }
        return sources.resolve(baseModel, null).dir();
    }

}
