package dev.attune.bench;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import ai.djl.Device;
import dev.attune.dataset.DatasetRow;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.Precision;
import dev.attune.modeling.TextClassifier;
import dev.attune.modeling.onnx.OnnxClassifier;
import dev.attune.modeling.onnx.OnnxExport;

/**
 * In-process serving speed, side by side on the same texts (../shared's sst2_dev.csv): ONNX Runtime through
 * langchain4j's packaged all-MiniLM-L6-v2 (fp32 and int8; the script puts those jars on the classpath, they are
 * no dependency of attune, hence reflection), then attune's engines on the same MiniLM with a classification
 * head: libtorch fp32 and bf16, ONNX Runtime fp32 and int8 on attune's exported graph. Texts/s in batches of 32
 * (tokenization included) and one text's p50/p99. Run with bench/serving.sh; prints a markdown table.
 *
 * <p>Arguments (key=value): model=DIR (a headed MiniLM, default from bench/serving.sh), seconds=N per
 * measurement (default 15), engines=comma list (default all), pauseMs=N idle between single-text calls (default 0).
 */
public final class ServingBenchmark {

    /** Idle time between single-text calls (pauseMs=N): a served model waits between requests too. */
    private static long pauseMillis;

    private record Figures(String engine, double textsPerSecond, double p50, double p99) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> arguments = BenchInputs.arguments(args);
        Path model = Path.of(arguments.get("model")).toAbsolutePath();
        double seconds = Double.parseDouble(arguments.getOrDefault("seconds", "15"));
        pauseMillis = Long.parseLong(arguments.getOrDefault("pauseMs", "0"));
        List<String> engines = Arrays.asList(arguments.getOrDefault("engines",
                "ort-fp32,ort-int8,attune-libtorch-fp32,attune-libtorch-bf16,attune-onnx-fp32,attune-onnx-int8").split(","));
        List<String> texts = BenchInputs.read(Path.of("../shared/datasets/sst2_dev.csv"), "label").stream()
                .map(DatasetRow::text).toList();

        List<Figures> rows = new ArrayList<>();
        for (String engine : engines) {
            rows.add(switch (engine) {
                case "ort-fp32" -> langchain4j(engine, "dev.langchain4j.model.embedding.onnx.allminilml6v2"
                        + ".AllMiniLmL6V2EmbeddingModel", texts, seconds);
                case "ort-int8" -> langchain4j(engine, "dev.langchain4j.model.embedding.onnx.allminilml6v2q"
                        + ".AllMiniLmL6V2QuantizedEmbeddingModel", texts, seconds);
                default -> attune(engine, model, texts, seconds);
            });
        }
        System.out.printf("| engine (%d cores) | batches of 32, texts/s | one text p50 ms | p99 ms |%n",
                Runtime.getRuntime().availableProcessors());
        System.out.println("|---|---|---|---|");
        for (Figures row : rows) {
            System.out.printf("| %s | %.0f | %.2f | %.2f |%n", row.engine(), row.textsPerSecond(), row.p50(), row.p99());
        }
    }

    private static Figures attune(String engine, Path dir, List<String> texts, double seconds) {
        try (ClassifierModel libtorch = ClassifierModel.load(dir, Device.cpu())) {
            TextClassifier classifier = switch (engine) {
                case "attune-libtorch-fp32" -> libtorch;
                case "attune-libtorch-bf16" -> {
                    libtorch.usePrecision(Precision.BF16);
                    yield libtorch;
                }
                case "attune-onnx-fp32" -> OnnxClassifier.of(libtorch, OnnxExport.Weights.FP32);
                case "attune-onnx-int8" -> OnnxClassifier.of(libtorch, OnnxExport.Weights.INT8);
                default -> throw new IllegalArgumentException("unknown engine " + engine);
            };
            int maxLength = classifier.textEncoder().defaultMaxLength();
            try {
                return measure(engine, texts, seconds, batch -> classifier.outputs(batch, maxLength));
            } finally {
                if (classifier != libtorch) {
                    classifier.close();
                }
            }
        }
    }

    /** langchain4j's in-process embedding model: embedAll(List<TextSegment>) for a batch. */
    private static Figures langchain4j(String engine, String className, List<String> texts, double seconds)
            throws Exception {
        Object model = Class.forName(className).getConstructor().newInstance();
        Class<?> segment = Class.forName("dev.langchain4j.data.segment.TextSegment");
        Method from = segment.getMethod("from", String.class);
        Method embedAll = model.getClass().getMethod("embedAll", List.class);
        return measure(engine, texts, seconds, batch -> {
            try {
                List<Object> segments = new ArrayList<>();
                for (String text : batch) {
                    segments.add(from.invoke(null, text));
                }
                embedAll.invoke(model, segments);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Batches of 32 consecutive texts for {@code seconds}, then one text at a time for as long. */
    private static Figures measure(String engine, List<String> texts, double seconds, Consumer<List<String>> run) {
        for (int i = 0; i < 5; i++) {
            run.accept(texts.subList(i * 32, i * 32 + 32));
        }
        long done = 0;
        long start = System.nanoTime();
        for (int from = 0; System.nanoTime() - start < seconds * 1e9; from = (from + 32) % (texts.size() - 32)) {
            run.accept(texts.subList(from, from + 32));
            done += 32;
        }
        double textsPerSecond = done / ((System.nanoTime() - start) / 1e9);
        List<Double> latencies = new ArrayList<>();
        start = System.nanoTime();
        for (int i = 0; System.nanoTime() - start < seconds * 1e9; i++) {
            long one = System.nanoTime();
            run.accept(List.of(texts.get(i % texts.size())));
            latencies.add((System.nanoTime() - one) / 1e6);
            if (pauseMillis > 0) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Figures(engine, textsPerSecond, sorted[sorted.length / 2],
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]);
    }
}
