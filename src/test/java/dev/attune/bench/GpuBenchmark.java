package dev.attune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.attune.dataset.DatasetRow;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ProblemType;
import dev.attune.training.ClassificationMetrics;
import dev.attune.training.Example;
import dev.attune.training.FineTuner;
import dev.attune.training.LabelledData;
import dev.attune.training.Options;
import dev.attune.training.TokenizedExamples;
import dev.attune.training.TrainingListener;
import dev.attune.training.TrainingOptions;
import dev.attune.training.TrainingResult;

/**
 * attune's side of bench/gpu.sh, in one JVM and without the Spring service (its classpath would not fit the
 * device's 64 MiB with the runtime and MiniLM): fine-tunes a checkpoint on the first {@code trainRows} rows of
 * {@code train} (random batches, as the Trainer), scores {@code eval}, then serves the trained model in-process
 * as {@code /predict} and batch predictions run it (libtorch, {@code Precision.AUTO}: bf16 on a GPU; tokenization
 * included): texts/s at each of {@code batches}, and one text's p50/p99. Prints {@code RESULT key=value ...} lines
 * that bench/gpu.sh puts in its table.
 *
 * <p>Arguments (key=value): model, train, trainRows, eval, evalRows (the first N; default all), task (a name for the
 * lines), maxLength, batch, lr, epochs, seed, device (gpu or cpu; default DJL's default device), precision (training;
 * default auto), score (a CSV whose texts are scored; default eval), scoreMaxLength (128), batches (64,128; empty: no
 * scoring), seconds (per figure, default 10), singles (batch-1 calls, default 300), warmup (untimed batches before
 * each figure, default 3; five times as many single texts).
 */
public final class GpuBenchmark {

    public static void main(String[] args) throws IOException {
        Map<String, String> a = BenchInputs.arguments(args);
        Path model = BenchInputs.model(a);
        String task = a.getOrDefault("task", "sst2");
        List<DatasetRow> trainRows = BenchInputs.read(Path.of(a.get("train")), "label");
        int limit = Integer.parseInt(a.getOrDefault("trainRows", "0"));
        if (limit > 0 && limit < trainRows.size()) {
            trainRows = trainRows.subList(0, limit);
        }
        TrainingOptions options = Options.of("epochs", Integer.valueOf(a.getOrDefault("epochs", "1")),
                "learningRate", Double.valueOf(a.getOrDefault("lr", "5e-5")),
                "batchSize", Integer.valueOf(a.getOrDefault("batch", "32")),
                "maxLength", Integer.valueOf(a.getOrDefault("maxLength", "512")),
                "warmupRatio", Double.valueOf(a.getOrDefault("warmup", "0.06")),
                "seed", Long.valueOf(a.getOrDefault("seed", "42")), "precision", a.getOrDefault("precision", "auto"),
                "groupByLength", false);
        List<String> labels = LabelledData.labelsOf(trainRows);
        List<Example> train = LabelledData.toExamples(trainRows, labels);
        List<DatasetRow> evalRows = BenchInputs.read(Path.of(a.get("eval")), "label");
        int evalLimit = Integer.parseInt(a.getOrDefault("evalRows", "0"));
        if (evalLimit > 0 && evalLimit < evalRows.size()) {
            evalRows = evalRows.subList(0, evalLimit);
        }
        List<Example> eval = LabelledData.toExamples(evalRows, labels);
        Engine.getInstance().setRandomSeed((int) (long) options.seed());
        // device=gpu: the GPU even where DJL's CUDA probe (JNA loading libcudart) cannot see it; libtorch can
        Device device = switch (a.getOrDefault("device", "default")) {
            case "gpu" -> Device.gpu();
            case "cpu" -> Device.cpu();
            default -> Engine.getInstance().defaultDevice();
        };
        Path best = Files.createTempDirectory("attune-gpu-").resolve("best");
        try (ClassifierModel m = ClassifierModel.load(model, device, labels, ProblemType.SINGLE_LABEL_CLASSIFICATION,
                false, options.attention())) {
            Precision precision = m.usePrecision(options.precision());
            TokenizedExamples trainData = TokenizedExamples.of(train, m.textEncoder(), options.maxLength(),
                    m.config().padTokenId());
            TokenizedExamples evalData = TokenizedExamples.of(eval, m.textEncoder(), options.maxLength(),
                    m.config().padTokenId());
            long[] lastStep = {0};
            long trainStart = System.nanoTime();
            TrainingResult result = new FineTuner(m, options, new TrainingListener() {
                @Override
                public void onStep(Progress progress) {
                    lastStep[0] = System.nanoTime();
                }

                @Override
                public void log(String message) {
                    System.err.println(message);
                }
            }).train(trainData, evalData, best);
            // as the Trainer's train_samples_per_second: samples over the time from the start to the last optimizer
            // step (its first steps included), without the evaluation and checkpoint after it
            double trainSeconds = (lastStep[0] - trainStart) / 1e9;
            ClassificationMetrics metrics = (ClassificationMetrics) result.best().metrics();
            System.out.printf("RESULT train task=%s device=%s precision=%s attention=%s rows=%d steps=%d batch=%d "
                    + "maxLength=%d samples_per_s=%.1f train_s=%.1f accuracy=%.2f eval_rows=%d%n", task, device,
                    precision.id(), options.attention().id(), train.size(), result.steps(), options.batchSize(),
                    options.maxLength(), (double) train.size() * options.epochs() / trainSeconds, trainSeconds,
                    100 * metrics.accuracy(), eval.size());

            if (a.containsKey("batches") && a.get("batches").isBlank()) {
                return;
            }
            // served as /predict and batch predictions serve a model on this device: libtorch, auto precision
            Precision served = m.usePrecision(Precision.AUTO);
            List<String> texts = BenchInputs.read(Path.of(a.getOrDefault("score", a.get("eval"))), "label").stream()
                    .map(DatasetRow::text).toList();
            int maxLength = Integer.parseInt(a.getOrDefault("scoreMaxLength", "128"));
            double seconds = Double.parseDouble(a.getOrDefault("seconds", "10"));
            int warmup = Integer.parseInt(a.getOrDefault("warmup", "3"));
            for (String b : a.getOrDefault("batches", "64,128").split(",")) {
                int batch = Integer.parseInt(b.trim());
                for (int i = 0; i < warmup; i++) {
                    m.outputs(slice(texts, i * batch, batch), maxLength);
                }
                long done = 0;
                long start = System.nanoTime();
                for (int from = 0; System.nanoTime() - start < seconds * 1e9; from += batch) {
                    m.outputs(slice(texts, from, batch), maxLength);
                    done += batch;
                }
                System.out.printf("RESULT score task=%s device=%s precision=%s batch=%d texts_per_s=%.1f%n", task,
                        device, served.id(), batch, done / ((System.nanoTime() - start) / 1e9));
            }
            int singles = Integer.parseInt(a.getOrDefault("singles", "300"));
            for (int i = 0; i < 5 * warmup; i++) {
                m.outputs(List.of(texts.get(i % texts.size())), maxLength);
            }
            double[] ms = new double[singles];
            for (int i = 0; i < singles; i++) {
                long one = System.nanoTime();
                m.outputs(List.of(texts.get(i % texts.size())), maxLength);
                ms[i] = (System.nanoTime() - one) / 1e6;
            }
            java.util.Arrays.sort(ms);
            double p99 = ms[(int) Math.min(singles - 1, Math.ceil(singles * 0.99) - 1)];
            System.out.printf("RESULT latency task=%s device=%s precision=%s p50_ms=%.2f p99_ms=%.2f calls=%d%n", task,
                    device, served.id(), ms[singles / 2], p99, singles);
        }
    }

    /** {@code count} texts from {@code from}, wrapping around the list. */
    private static List<String> slice(List<String> texts, int from, int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(texts.get((from + i) % texts.size()));
        }
        return out;
    }
}
