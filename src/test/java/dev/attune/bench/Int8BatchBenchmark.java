package dev.attune.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import dev.attune.dataset.DatasetRow;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.ModelOutputs;
import dev.attune.modeling.TextClassifier;
import dev.attune.modeling.onnx.OnnxClassifier;
import dev.attune.modeling.onnx.OnnxExport;

/**
 * Whether an int8 answer depends on its neighbours in the batch (issue 32), and how far int8 is from fp32, on
 * ../shared's sst2_dev sentences: each of the first 32 scored alone, inside the request of those 32 (the served
 * path: length groups), inside one batch of the 32 padded to its longest, and beside the longest sst2_dev
 * sentence; then all of sst2_dev in fp32 and int8 (requests of 32): label agreement, score differences, texts/s.
 * A score is a softmax probability; differences are the largest over the classes. Run with bench/int8-batch.sh;
 * prints markdown.
 *
 * <p>Arguments (key=value): model=DIR (a classifier checkpoint; bench/int8-batch.sh passes MiniLM with an
 * untrained head), maxLength=N (default 128).
 */
public final class Int8BatchBenchmark {

    private static final int REQUEST = 32;

    public static void main(String[] args) throws Exception {
        Map<String, String> arguments = BenchInputs.arguments(args);
        int maxLength = Integer.parseInt(arguments.getOrDefault("maxLength", "128"));
        List<String> texts = BenchInputs.read(Path.of("../shared/datasets/sst2_dev.csv"), "label").stream()
                .map(DatasetRow::text).toList();
        try (ClassifierModel model = ClassifierModel.load(BenchInputs.model(arguments), Device.cpu());
                OnnxClassifier fp32 = OnnxClassifier.of(model, OnnxExport.Weights.FP32);
                OnnxClassifier int8 = OnnxClassifier.of(model, OnnxExport.Weights.INT8)) {
            System.out.printf("## %s, sst2_dev, maxLength %d, %d cores%n%n", BenchInputs.model(arguments).getFileName(),
                    maxLength, Runtime.getRuntime().availableProcessors());
            System.out.println("| engine | first 32: max abs diff, alone vs in a 32-text request | alone vs one padded "
                    + "batch of 32 | alone vs beside the longest text | labels flipped (of 32, any of the 3) |");
            System.out.println("|---|---|---|---|---|");
            String longest = texts.stream().max(Comparator.comparingInt(String::length)).orElseThrow();
            for (OnnxClassifier classifier : List.of(fp32, int8)) {
                neighbours(classifier, texts.subList(0, REQUEST), longest, maxLength);
            }
            System.out.println();
            long start = System.nanoTime();
            float[][] exact = served(fp32, texts, maxLength);
            double fp32Seconds = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            float[][] quantized = served(int8, texts, maxLength);
            double int8Seconds = (System.nanoTime() - start) / 1e9;
            int agree = 0;
            double max = 0;
            double sum = 0;
            for (int i = 0; i < texts.size(); i++) {
                agree += argmax(exact[i]) == argmax(quantized[i]) ? 1 : 0;
                double diff = maxAbsDiff(exact[i], quantized[i]);
                max = Math.max(max, diff);
                sum += diff;
            }
            System.out.println("| all sst2_dev (requests of 32) | int8 labels = fp32 labels | max abs score diff | "
                    + "mean | fp32 texts/s | int8 texts/s |");
            System.out.println("|---|---|---|---|---|---|");
            System.out.printf("| %d texts | %.2f%% | %.4f | %.4f | %.0f | %.0f |%n", texts.size(),
                    100.0 * agree / texts.size(), max, sum / texts.size(), texts.size() / fp32Seconds,
                    texts.size() / int8Seconds);
        }
    }

    /** Each text alone against the same text among its neighbours, three ways. */
    private static void neighbours(OnnxClassifier classifier, List<String> request, String longest, int maxLength) {
        float[][] served = classifier.outputs(request, maxLength);
        float[][] padded = scores(classifier, request, maxLength);
        double servedMax = 0;
        double paddedMax = 0;
        double besideMax = 0;
        int flipped = 0;
        for (int i = 0; i < request.size(); i++) {
            float[] alone = classifier.outputs(List.of(request.get(i)), maxLength)[0];
            float[] beside = scores(classifier, List.of(longest, request.get(i)), maxLength)[1];
            servedMax = Math.max(servedMax, maxAbsDiff(alone, served[i]));
            paddedMax = Math.max(paddedMax, maxAbsDiff(alone, padded[i]));
            besideMax = Math.max(besideMax, maxAbsDiff(alone, beside));
            boolean same = argmax(alone) == argmax(served[i]) && argmax(alone) == argmax(padded[i])
                    && argmax(alone) == argmax(beside);
            flipped += same ? 0 : 1;
        }
        System.out.printf("| %s | %.3g | %.3g | %.3g | %d |%n", classifier.engine(), servedMax, paddedMax, besideMax,
                flipped);
    }

    /** Scores of texts run as one batch padded to its longest (no length groups), calibrated as served. */
    private static float[][] scores(TextClassifier classifier, List<String> texts, int maxLength) {
        float[][] logits = classifier.logits(classifier.textEncoder().encode(texts, maxLength));
        return ModelOutputs.of(classifier.calibration() == null ? logits : classifier.calibration().apply(logits),
                classifier.problemType());
    }

    /** Every text's scores through the served path, in requests of 32. */
    private static float[][] served(TextClassifier classifier, List<String> texts, int maxLength) {
        List<float[]> rows = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += REQUEST) {
            for (float[] row : classifier.outputs(texts.subList(from, Math.min(texts.size(), from + REQUEST)), maxLength)) {
                rows.add(row);
            }
        }
        return rows.toArray(float[][]::new);
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
