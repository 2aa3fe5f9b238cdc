package dev.attune.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import dev.attune.checkpoint.NonFiniteWeights;
import dev.attune.dataset.Dataset;
import dev.attune.dataset.DatasetRow;
import dev.attune.dataset.DatasetService;
import dev.attune.modeling.Calibration;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LongText;
import dev.attune.modeling.LoraSettings;
import dev.attune.modeling.WindowRule;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ProblemType;
import dev.attune.modeling.QuantizationCheck;

import org.springframework.stereotype.Service;

/**
 * Runs one fine-tuning end to end: reads the data sets, loads the base model with a fresh head for the
 * data set's labels, trains, scores the best weights on the test set and measures what int8 serving would
 * cost them. It returns the outcome; the job layer registers the model. Several runs may train at once, one
 * per worker device: each records its gradients on its own thread ({@link ThreadGradients}) and takes
 * turns on the shared random generator ({@link GlobalGenerator}).
 */
@Service
public class FineTuningService {

    private final DatasetService datasets;

    FineTuningService(DatasetService datasets) {
        this.datasets = datasets;
    }

    /**
     * Trains on the device a worker owns (several workers may train at once, each on its own device).
     *
     * @param spec what to train, resolved at submission
     * @param base the checkpoint to start from (asked for only when the run starts afresh)
     */
    public FineTuneOutcome run(FineTuneSpec spec, BaseCheckpoint base, RunDirectory run, Device device,
            TrainingListener listener) throws IOException {
        listener.onPhase(TrainingListener.Phase.PREPARING, 0, 0);
        return run(spec, datasets.allRows(spec.datasetId()), base, run, device, listener);
    }

    /**
     * As {@link #run(FineTuneSpec, BaseCheckpoint, RunDirectory, Device, TrainingListener)} on some of the rows of
     * the spec's data set (a cross-validation fold's training part): the same rows give the same run, resumed too.
     */
    public FineTuneOutcome run(FineTuneSpec spec, List<DatasetRow> rows, BaseCheckpoint base, RunDirectory run,
            Device device, TrainingListener listener) throws IOException {
        TrainingOptions options = spec.options();
        ProblemType type = options.problemType();
        listener.onPhase(TrainingListener.Phase.PREPARING, 0, 0);
        Dataset dataset = datasets.get(spec.datasetId());
        List<String> labels = type == ProblemType.REGRESSION ? List.of(dataset.labelColumn()) : LabelledData.labelsOf(rows);
        List<Example> all = examplesOf(rows, labels, type, "training");
        List<Example> train;
        List<Example> validation;
        if (spec.validationDatasetId() != null) {
            train = all;
            validation = examplesOf(datasets.allRows(spec.validationDatasetId()), labels, type, "validation");
        } else {
            List<Example> pool = sampleFor(all, options, listener);
            LabelledData.Split split = LabelledData.split(pool, options.validationSplit(), options.seed(), type);
            train = split.train();
            validation = split.validation();
        }
        train = LabelledData.limit(train, options.maxTrainSamples());
        listener.log(type.id() + (type.isClassification() ? ", labels " + labels : ", target '" + labels.get(0) + "'")
                + "; " + train.size() + " training and " + validation.size() + " validation examples"
                + (all.isEmpty() || all.get(0).textPair() == null ? "" : " (text pairs)"));
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
        Path baseDir = resuming ? run.base() : run.pin(base.directory().get());
        boolean random = options.init() == TrainingOptions.Init.RANDOM;
        boolean setfit = options.strategy() == TrainingOptions.Strategy.SETFIT;
        Path bestDir = run.best();
        TrainingResult result;
        Map<String, Integer> overMaxLength = new LinkedHashMap<>();
        // a new head's initial weights come from libtorch's process-wide generator: seeded and drawn in one turn
        try (ClassifierModel model = resuming ? ClassifierModel.load(resume.modelDir(), device, options.attention())
                : GlobalGenerator.seeded((int) (long) options.seed(), () -> setfit
                        ? ClassifierModel.loadSetFit(baseDir, device, labels, type, options.attention())
                        : ClassifierModel.load(baseDir, device, labels, type, random, options.attention()))) {
            if (options.strategy() == TrainingOptions.Strategy.LORA && !resuming) {
                LoraSettings lora = options.lora().withDefaults(model.config().modelType());
                model.attachLora(lora, options.seed(), baseDir);
                listener.log("LoRA r %d, alpha %s, dropout %s on %s: %d adapted layers, %d adapter weights".formatted(
                        lora.r(), lora.alpha(), lora.dropout(), lora.targetModules(), model.adapter().pairs().size(),
                        model.adapter().pairParameters()));
            }
            Precision precision = model.usePrecision(options.precision());
            int maxLength = maxLength(options, model);
            long padId = model.config().padTokenId();
            listener.log("base model " + base.description() + " (" + model.config().modelType() + ", "
                    + (random ? "random init" : "pretrained") + ") on " + device + ", max length " + maxLength
                    + ", attention " + options.attention().id() + " (dropout " + options.attentionDropoutFor(model)
                    + (options.attentionDropout() == null ? ", the default on a " + device.getDeviceType() : "") + ")"
                    + ", precision " + precision.id()
                    + (options.precision() == Precision.AUTO ? " (auto)" : "") + ", "
                    + (options.groupByLength() ? "length-grouped" : "random") + " batches");
            // sliding windows: every window of a long training text is an example; validation averages a text's
            // windows, as serving does
            boolean sliding = options.longText() == LongText.SLIDING_WINDOW;
            TokenizedExamples trainData = sliding
                    ? TokenizedExamples.windowsOf(train, model.textEncoder(), maxLength, padId,
                            windowRule(options, maxLength).stride())
                    : TokenizedExamples.of(train, model.textEncoder(), maxLength, padId, options.longText());
            TokenizedExamples validationData = sliding
                    ? TokenizedExamples.windowsOf(validation, model.textEncoder(), maxLength, padId,
                            windowRule(options, maxLength).stride())
                    : TokenizedExamples.of(validation, model.textEncoder(), maxLength, padId, options.longText());
            overMaxLength.put("training", trainData.overMaxLength());
            overMaxLength.put("validation", validationData.overMaxLength());
            listener.log("texts longer than maxLength %d: %d of %d training, %d of %d validation (long texts: %s%s)"
                    .formatted(maxLength, trainData.overMaxLength(), train.size(), validationData.overMaxLength(),
                            validation.size(), options.longText().id(), trainData.size() > train.size()
                                    ? "; " + trainData.size() + " training windows from " + train.size() + " texts" : ""));
            try {
                result = setfit ? new SetFitTrainer(model, options, listener).train(trainData, validationData, bestDir)
                        : new FineTuner(model, options, listener).train(trainData, validationData, bestDir, resume);
            } catch (NonFiniteWeights e) { // refused where the weights are written: nothing to register
                throw new TrainingFailedException("non_finite_weights", e.getMessage() + ". No model was registered: "
                        + "the run diverged (lower learningRate) or its base checkpoint holds such values (check it).");
            }
        }
        if (result.best() == null) {
            throw new TrainingFailedException("no_evaluation", "The run ended before any evaluation.");
        }
        try (ClassifierModel best = ClassifierModel.load(bestDir, device, options.attention())) {
            best.usePrecision(options.precision());
            EvaluationMetrics test = null;
            if (spec.testDatasetId() != null) {
                List<Example> testExamples = examplesOf(datasets.allRows(spec.testDatasetId()), labels, type, "test");
                int length = maxLength(options, best);
                TokenizedExamples testData = TokenizedExamples.of(testExamples, best.textEncoder(), length,
                        best.config().padTokenId(), options.longText());
                overMaxLength.put("test", testData.overMaxLength());
                test = options.longText() == LongText.SLIDING_WINDOW
                        ? WindowedScoring.evaluate(best, testExamples, length, windowRule(options, length).stride())
                        : FineTuner.evaluate(best, testData, options.batchSize() * 2, listener);
                listener.log("test on %d examples (%d longer than maxLength, %s): %s".formatted(test.count(),
                        testData.overMaxLength(), options.longText().id(), test.summary()));
            }
            // both read the validation texts as the model serves them: its long-text rule, windows averaged
            int length = maxLength(options, best);
            QuantizationCheck quantization = Int8Check.measure(best, validation, length, windowRule(options, length),
                    listener);
            Calibration calibration = TemperatureFit.fit(best, validation, length, windowRule(options, length), type,
                    options.seed());
            if (calibration != null) {
                listener.log("calibration: temperature %s fitted on %d validation examples; expected calibration error "
                        .formatted(calibration.temperature() != null ? "%.3f".formatted(calibration.temperature())
                                : calibration.temperatures().stream().map("%.3f"::formatted).toList(),
                                calibration.fitRows())
                        + "on the %d held-out ones %.4f -> %.4f: %s".formatted(calibration.measuredRows(),
                                calibration.eceBefore(), calibration.eceAfter(), calibration.inEffect() ? "applied"
                                        : "not applied, scores are served uncalibrated"));
            }
            return new FineTuneOutcome(bestDir, result, test, quantization, calibration,
                    windowRule(options, maxLength(options, best)), maxLength(options, best), overMaxLength,
                    dataset.hasTextPairs(), validation);
        }
    }

    /** The long-text rule the model keeps, its stride resolved (half of maxLength unless asked). */
    private static WindowRule windowRule(TrainingOptions options, int maxLength) {
        return new WindowRule(options.longText(), options.windowStride() != null ? options.windowStride()
                : Math.max(1, maxLength / 2));
    }

    /** The asked maximum length, or (a Hub base model's, unknown at submission) the tokenizer's. */
    private static int maxLength(TrainingOptions options, ClassifierModel model) {
        return options.maxLength() != null ? options.maxLength() : model.textEncoder().defaultMaxLength();
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

    private static List<Example> examplesOf(List<DatasetRow> rows, List<String> labels, ProblemType type, String role) {
        try {
            return LabelledData.toExamples(rows, labels, type);
        } catch (IllegalArgumentException e) {
            throw new TrainingFailedException("label_mismatch", "The " + role + " data set has a " + e.getMessage());
        }
    }
}
