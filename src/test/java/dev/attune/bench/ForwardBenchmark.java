package dev.attune.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.attune.modeling.ClassifierModel;

/**
 * Inference speed of a checkpoint through our DJL encoder: load time, batched forward throughput
 * (texts/s at B × T, full-length synthetic ids, no padding, as ../shared/bench/ANCHORS.md measures)
 * and latency of one text. Run with bench/forward.sh; prints a markdown table.
 */
public final class ForwardBenchmark {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/models/all-MiniLM-L6-v2").toAbsolutePath();
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 20;
        dev.attune.modeling.Precision precision = dev.attune.modeling.Precision.of(args.length > 4 ? args[4] : "fp32");
        Device device = Engine.getInstance().defaultDevice();

        ClassifierModel.load(dir, device).close();
        long loadStart = System.nanoTime();
        try (ClassifierModel model = ClassifierModel.load(dir, device)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            model.usePrecision(precision);
            double batchedMs = timeForward(model, batch, tokens, seconds);
            double[] single = latencies(model, 32, Math.max(50, (int) (seconds * 20)));
            System.out.printf("| device | model | load s | B x T | texts/s | batch-1 T=32 p50 ms | p99 ms |%n");
            System.out.printf("|---|---|---|---|---|---|---|%n");
            System.out.printf("| %s (%d threads) | %s | %.2f | %d x %d | %.1f | %.2f | %.2f |%n", device,
                    Runtime.getRuntime().availableProcessors(), dir.getFileName(), loadSeconds, batch, tokens,
                    batch * 1000.0 / batchedMs, single[0], single[1]);
        }
    }

    /** Mean milliseconds per batched forward pass, after warm-up. */
    private static double timeForward(ClassifierModel model, int batch, int tokens, double seconds) {
        for (int i = 0; i < 3; i++) {
            forward(model, batch, tokens);
        }
        int runs = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < seconds * 1e9) {
            forward(model, batch, tokens);
            runs++;
        }
        return (System.nanoTime() - start) / 1e6 / runs;
    }

    private static double[] latencies(ClassifierModel model, int tokens, int runs) {
        for (int i = 0; i < 10; i++) {
            forward(model, 1, tokens);
        }
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            forward(model, 1, tokens);
            ms.add((System.nanoTime() - start) / 1e6);
        }
        double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {sorted[sorted.length / 2], sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]};
    }

    /** One no-grad forward over synthetic ids (every position real), result copied to the host. */
    private static void forward(ClassifierModel model, int batch, int tokens) {
        try (NDManager scope = model.manager().newSubManager()) {
            long[] ids = new long[batch * tokens];
            Arrays.fill(ids, 1000);
            long[] mask = new long[batch * tokens];
            Arrays.fill(mask, 1);
            Shape shape = new Shape(batch, tokens);
            NDList inputs = new NDList(scope.create(ids, shape), scope.create(mask, shape), scope.zeros(shape, ai.djl.ndarray.types.DataType.INT64));
            NDArray logits = model.block().forward(new ParameterStore(scope, false), inputs, false).get(0);
            logits.toFloatArray();
        }
    }
}
