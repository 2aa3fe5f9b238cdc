package dev.attune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.attune.dataset.DatasetRow;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.ProblemType;
import dev.attune.training.ClassWeights;
import dev.attune.training.Example;
import dev.attune.training.FineTuner;
import dev.attune.training.LabelledData;
import dev.attune.training.MultiLabelMetrics;
import dev.attune.training.TokenizedExamples;
import dev.attune.training.TrainingListener;
import dev.attune.training.Options;
import dev.attune.training.TrainingOptions;
import dev.attune.training.TrainingResult;

/**
 * One multi-label recipe through attune's FineTuner, as a job with testDatasetId runs it: thresholds
 * tuned on a stratified validation split of the training rows, then the dev file scored with those
 * thresholds (and, for comparison, with 0.5). Prints a markdown row. Run with bench/multilabel.sh.
 * Arguments (key=value): model, train, dev, trainRows (0 = all), epochs, lr, batch, maxLength, seed,
 * classWeights (none | balanced), validationSplit, rare (labels whose dev F1 to list, comma-separated).
 */
public final class MultiLabelBenchmark {

    public static void main(String[] args) throws IOException {
        Map<String, String> a = BenchInputs.arguments(args);
        Path model = BenchInputs.model(a);
        Path trainFile = Path.of(a.getOrDefault("train", "../shared/datasets/goemotions_group_train.csv.gz"));
        List<DatasetRow> trainRows = BenchInputs.read(trainFile, "labels");
        List<DatasetRow> devRows = BenchInputs.read(Path.of(a.getOrDefault("dev", "../shared/datasets/goemotions_group_dev.csv.gz")), "labels");
        int limit = Integer.parseInt(a.getOrDefault("trainRows", "0"));
        TrainingOptions options = Options.of("problemType", "multi_label_classification",
                "classWeights", ClassWeights.fromJson(a.getOrDefault("classWeights", "none")),
                "epochs", Integer.valueOf(a.getOrDefault("epochs", "1")), "learningRate", Double.valueOf(a.getOrDefault("lr", "1e-4")),
                "batchSize", Integer.valueOf(a.getOrDefault("batch", "32")), "maxLength", Integer.valueOf(a.getOrDefault("maxLength", "64")),
                "seed", Long.valueOf(a.getOrDefault("seed", "42")),
                "validationSplit", Double.valueOf(a.getOrDefault("validationSplit", "0.1")));
        List<String> labels = LabelledData.labelsOf(trainRows);
        List<Example> all = LabelledData.toExamples(trainRows, labels, ProblemType.MULTI_LABEL_CLASSIFICATION);
        LabelledData.Split split = LabelledData.split(all, options.validationSplit(), options.seed(),
                ProblemType.MULTI_LABEL_CLASSIFICATION);
        List<Example> train = limit > 0 ? LabelledData.limit(split.train(), limit) : split.train();
        List<Example> dev = LabelledData.toExamples(devRows, labels, ProblemType.MULTI_LABEL_CLASSIFICATION);

        Engine.getInstance().setRandomSeed((int) (long) options.seed());
        Device device = Engine.getInstance().defaultDevice();
        Path best = Files.createTempDirectory("attune-bench-").resolve("best");
        long start = System.nanoTime();
        TrainingResult result;
        try (ClassifierModel m = ClassifierModel.load(model, device, labels, ProblemType.MULTI_LABEL_CLASSIFICATION, false)) {
            TokenizedExamples trainData = TokenizedExamples.of(train, m.textEncoder(), options.maxLength(), m.config().padTokenId());
            TokenizedExamples validationData = TokenizedExamples.of(split.validation(), m.textEncoder(), options.maxLength(),
                    m.config().padTokenId());
            result = new FineTuner(m, options, new TrainingListener() {
                @Override
                public void log(String message) {
                    System.err.println(message);
                }
            }).train(trainData, validationData, best);
        }
        MultiLabelMetrics validation = (MultiLabelMetrics) result.best().metrics();
        MultiLabelMetrics scored;
        try (ClassifierModel m = ClassifierModel.load(best, device)) {
            scored = (MultiLabelMetrics) FineTuner.evaluate(m,
                    TokenizedExamples.of(dev, m.textEncoder(), options.maxLength(), m.config().padTokenId()), options.batchSize() * 2);
        }
        double total = (System.nanoTime() - start) / 1e9;
        List<String> rare = a.containsKey("rare") ? Arrays.asList(a.get("rare").split(",")) : List.of();
        StringBuilder rareF1 = new StringBuilder();
        scored.perLabel().stream().filter(l -> rare.contains(l.label()))
                .forEach(l -> rareF1.append(rareF1.isEmpty() ? "" : ", ").append(l.label()).append(' ')
                        .append("%.1f".formatted(100 * l.f1())));
        long zeroLabels = scored.perLabel().stream().filter(l -> l.f1() == 0).count();
        System.out.printf("| %s | %s | %d | %d | %d x %d | %.0e | %d | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %s | %.0f s | %.0f s | %.1f |%n",
                device, trainFile.getFileName(), labels.size(), train.size(), options.batchSize(), options.maxLength(),
                options.learningRate(), options.epochs(), options.classWeights().json(), 100 * validation.f1Macro(),
                100 * scored.f1Macro(), 100 * scored.f1Micro(), 100 * scored.f1MacroAtHalf(), 100 * scored.f1MicroAtHalf(),
                zeroLabels, rareF1.isEmpty() ? "-" : rareF1, result.trainSeconds(), total, result.trainSamplesPerSecond());
    }
}
