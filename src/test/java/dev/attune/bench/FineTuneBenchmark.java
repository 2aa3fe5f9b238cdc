package dev.attune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.attune.dataset.DatasetRow;
import dev.attune.modeling.AttentionImplementation;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LoraSettings;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ProblemType;
import dev.attune.training.ClassificationMetrics;
import dev.attune.training.Example;
import dev.attune.training.FineTuner;
import dev.attune.training.LabelledData;
import dev.attune.training.TokenizedExamples;
import dev.attune.training.TrainingListener;
import dev.attune.training.Options;
import dev.attune.training.TrainingOptions;
import dev.attune.training.TrainingResult;

/**
 * One fine-tuning recipe through attune's FineTuner, printed as a markdown table row. Run with
 * bench/finetune.sh. Arguments (key=value): model, train, trainRows, eval (a CSV; else a stratified
 * validationSplit of train), strategy, lastLayers, init, epochs, lr, batch, maxLength, seed, attention (sdpa | eager),
 * precision (auto | fp32 | bf16 | fp16), groupByLength (true | false); for strategy lora also r, alpha, loraDropout and
 * targets (comma-separated module names); defaults as a job's.
 */
public final class FineTuneBenchmark {

    public static void main(String[] args) throws IOException {
        java.util.Map<String, String> a = BenchInputs.arguments(args);
        Path model = BenchInputs.model(a);
        List<DatasetRow> trainRows = BenchInputs.read(Path.of(a.getOrDefault("train", "../shared/datasets/sst2_train.csv.gz")), "label");
        int limit = Integer.parseInt(a.getOrDefault("trainRows", "8000"));
        if (limit > 0 && limit < trainRows.size()) {
            trainRows = trainRows.subList(0, limit);
        }
        TrainingOptions options = Options.of("strategy", a.getOrDefault("strategy", "full"),
                "lastLayers", a.containsKey("lastLayers") ? Integer.valueOf(a.get("lastLayers")) : null,
                "init", a.getOrDefault("init", "pretrained"),
                "epochs", Integer.valueOf(a.getOrDefault("epochs", "1")), "learningRate", Double.valueOf(a.getOrDefault("lr", "5e-5")),
                "batchSize", Integer.valueOf(a.getOrDefault("batch", "32")), "maxLength", Integer.valueOf(a.getOrDefault("maxLength", "64")),
                "warmupRatio", Double.valueOf(a.getOrDefault("warmup", "0.06")), "seed", Long.valueOf(a.getOrDefault("seed", "42")),
                "validationSplit", Double.valueOf(a.getOrDefault("validationSplit", "0.1")),
                "attention", a.getOrDefault("attention", "sdpa"), "precision", a.getOrDefault("precision", "auto"),
                "groupByLength", a.containsKey("groupByLength") ? Boolean.valueOf(a.get("groupByLength")) : null);
        List<String> labels = LabelledData.labelsOf(trainRows);
        List<Example> train = LabelledData.toExamples(trainRows, labels);
        List<Example> eval;
        if (a.containsKey("eval") && !a.get("eval").isBlank()) {
            eval = LabelledData.toExamples(BenchInputs.read(Path.of(a.get("eval")), "label"), labels);
        } else {
            LabelledData.Split split = LabelledData.stratifiedSplit(train, options.validationSplit(), options.seed());
            train = split.train();
            eval = split.validation();
        }
        Engine.getInstance().setRandomSeed((int) (long) options.seed());
        Device device = Engine.getInstance().defaultDevice();
        Path best = Files.createTempDirectory("attune-bench-").resolve("best");
        long start = System.nanoTime();
        try (ClassifierModel m = ClassifierModel.load(model, device, labels, ProblemType.SINGLE_LABEL_CLASSIFICATION,
                options.init() == TrainingOptions.Init.RANDOM, options.attention())) {
            String strategy = options.strategy().id();
            if (options.strategy() == TrainingOptions.Strategy.LORA) {
                LoraSettings lora = new LoraSettings(a.containsKey("r") ? Integer.valueOf(a.get("r")) : null,
                        a.containsKey("alpha") ? Double.valueOf(a.get("alpha")) : null,
                        a.containsKey("loraDropout") ? Double.valueOf(a.get("loraDropout")) : null,
                        a.containsKey("targets") ? List.of(a.get("targets").split(",")) : null)
                        .withDefaults(m.config().modelType());
                m.attachLora(lora, options.seed(), model);
                strategy = "lora r%d a%.0f %s".formatted(lora.r(), lora.alpha(), String.join("+", lora.targetModules()));
            }
            Precision precision = m.usePrecision(options.precision());
            TokenizedExamples trainData = TokenizedExamples.of(train, m.textEncoder(), options.maxLength(), m.config().padTokenId());
            TokenizedExamples evalData = TokenizedExamples.of(eval, m.textEncoder(), options.maxLength(), m.config().padTokenId());
            TrainingListener log = new TrainingListener() {
                @Override
                public void log(String message) {
                    System.err.println(message);
                }
            };
            TrainingResult result = new FineTuner(m, options, log).train(trainData, evalData, best);
            ClassificationMetrics metrics = (ClassificationMetrics) result.best().metrics();
            double total = (System.nanoTime() - start) / 1e9;
            System.out.printf("| %s | %s | %s%s | %s | %s | %d | %d x %d | %.0e | %d | %.2f%% | %.1f s | %.1f s | %.1f |%n",
                    device, model.getFileName(), strategy,
                    options.lastLayers() != null ? " " + options.lastLayers() : "", options.init().id(),
                    options.attention().id() + " " + precision.id()
                            + (options.groupByLength() ? ", length-grouped" : ""),
                    train.size(),
                    options.batchSize(), options.maxLength(), options.learningRate(), options.epochs(),
                    100 * metrics.accuracy(), result.trainSeconds(), total, result.trainSamplesPerSecond());
        }
    }
}
