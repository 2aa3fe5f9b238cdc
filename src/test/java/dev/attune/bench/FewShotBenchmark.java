package dev.attune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.attune.dataset.DatasetRow;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.ProblemType;
import dev.attune.training.ClassificationMetrics;
import dev.attune.training.Example;
import dev.attune.training.FineTuner;
import dev.attune.training.LabelledData;
import dev.attune.training.Options;
import dev.attune.training.SetFitTrainer;
import dev.attune.training.TokenizedExamples;
import dev.attune.training.TrainingListener;
import dev.attune.training.TrainingOptions;
import dev.attune.training.TrainingResult;

/**
 * Few-shot SST-2 (issue 33): for each count of labelled rows per class and each seed, the same rows drawn from
 * sst2_train train a setfit model and a fully fine-tuned one from the same checkpoint, both scored on all of
 * sst2_dev (one evaluation at the end: no checkpoint is picked on it). Prints a markdown row per run and, per count,
 * the means. Run with bench/fewshot.sh. Arguments (key=value): model, perClass (8,16,64), seeds (1,2,3), strategies
 * (setfit,full), maxLength (64), pairs (setfit pairsPerExample, 20), setfitLr (2e-5), setfitEpochs (1), fullLr (1e-4),
 * fullEpochs (10), fullBatch (16).
 */
public final class FewShotBenchmark {

    public static void main(String[] args) throws IOException {
        Map<String, String> a = BenchInputs.arguments(args);
        Path model = BenchInputs.model(a);
        List<DatasetRow> pool = BenchInputs.read(Path.of(a.getOrDefault("train", "../shared/datasets/sst2_train.csv.gz")),
                "label");
        List<DatasetRow> devRows = BenchInputs.read(Path.of(a.getOrDefault("eval", "../shared/datasets/sst2_dev.csv")),
                "label");
        List<String> labels = LabelledData.labelsOf(pool);
        List<Example> dev = LabelledData.toExamples(devRows, labels);
        List<Example> all = LabelledData.toExamples(pool, labels);
        int maxLength = Integer.parseInt(a.getOrDefault("maxLength", "64"));
        Device device = Engine.getInstance().defaultDevice();
        TrainingListener log = new TrainingListener() {
            @Override
            public void log(String message) {
                System.err.println(message);
            }
        };
        for (String count : a.getOrDefault("perClass", "8,16,64").split(",")) {
            int perClass = Integer.parseInt(count);
            Map<String, List<double[]>> byStrategy = new java.util.LinkedHashMap<>();
            for (String seedText : a.getOrDefault("seeds", "1,2,3").split(",")) {
                long seed = Long.parseLong(seedText);
                List<Example> rows = draw(all, labels.size(), perClass, seed);
                for (String strategy : a.getOrDefault("strategies", "setfit,full").split(",")) {
                    boolean setfit = strategy.equals("setfit");
                    TrainingOptions options = setfit
                            ? Options.of("strategy", "setfit", "maxLength", maxLength, "seed", seed,
                                    "learningRate", Double.valueOf(a.getOrDefault("setfitLr", "2e-5")),
                                    "epochs", Integer.valueOf(a.getOrDefault("setfitEpochs", "1")),
                                    "setfit", Map.of("pairsPerExample", Integer.valueOf(a.getOrDefault("pairs", "20"))))
                            : Options.of("strategy", "full", "maxLength", maxLength, "seed", seed,
                                    "learningRate", Double.valueOf(a.getOrDefault("fullLr", "1e-4")),
                                    "epochs", Integer.valueOf(a.getOrDefault("fullEpochs", "10")),
                                    "batchSize", Integer.valueOf(a.getOrDefault("fullBatch", "16")), "warmupRatio", 0.1,
                                    "evalEverySteps", 1_000_000); // one evaluation, after the last step
                    Engine.getInstance().setRandomSeed((int) seed);
                    Path best = Files.createTempDirectory("attune-fewshot-").resolve("best");
                    long start = System.nanoTime();
                    TrainingResult result;
                    try (ClassifierModel m = setfit
                            ? ClassifierModel.loadSetFit(model, device, labels, options.attention())
                            : ClassifierModel.load(model, device, labels, ProblemType.SINGLE_LABEL_CLASSIFICATION,
                                    false, options.attention())) {
                        m.usePrecision(options.precision());
                        TokenizedExamples train = TokenizedExamples.of(rows, m.textEncoder(), maxLength,
                                m.config().padTokenId());
                        TokenizedExamples eval = TokenizedExamples.of(dev, m.textEncoder(), maxLength,
                                m.config().padTokenId());
                        result = setfit ? new SetFitTrainer(m, options, log).train(train, eval, best)
                                : new FineTuner(m, options, log).train(train, eval, best);
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double accuracy = ((ClassificationMetrics) result.best().metrics()).accuracy();
                    byStrategy.computeIfAbsent(strategy, k -> new ArrayList<>()).add(new double[] {accuracy, seconds});
                    System.out.printf("| %d | %d | %s | %d | %.2f%% | %.1f s |%n", perClass, seed, strategy,
                            result.steps(), 100 * accuracy, seconds);
                    System.out.flush();
                }
            }
            byStrategy.forEach((strategy, runs) -> System.out.printf("| **%d** | mean of %d | **%s** | | **%.2f%%** | "
                    + "%.1f s |%n", perClass, runs.size(), strategy, 100 * runs.stream().mapToDouble(r -> r[0]).average()
                            .orElse(0), runs.stream().mapToDouble(r -> r[1]).average().orElse(0)));
        }
    }

    /** {@code perClass} rows of each label, drawn from the whole file by {@code seed}. */
    static List<Example> draw(List<Example> all, int classes, int perClass, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        int[] taken = new int[classes];
        List<Example> rows = new ArrayList<>();
        for (int index : order) {
            Example row = all.get(index);
            if (taken[row.label()] < perClass) {
                taken[row.label()]++;
                rows.add(row);
            }
        }
        return rows;
    }
}
