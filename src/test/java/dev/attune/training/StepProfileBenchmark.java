package dev.attune.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import dev.attune.bench.BenchInputs;
import dev.attune.dataset.DatasetRow;
import dev.attune.modeling.AttentionImplementation;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.DropoutMasks;
import dev.attune.modeling.ParameterNames;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ProblemType;

/**
 * Where a training step's time goes (issue 12), on the device DJL picks: forward, backward and optimizer
 * step timed apart (with a read of the device between them), over length-grouped batches as training
 * draws them; then the optimizer alone as attune ran it before (DJL's adamUpdate per tensor after a
 * global norm read back tensor by tensor) against the fused step on the device; and what GELU and layer
 * norm cost (forward + backward of those operations alone, at the step's shapes, as often as the model
 * runs them). Run with bench/step-profile.sh; arguments (key=value): model, train, steps, batch, maxLength, masks (java | libtorch), attentionDropout (default as a job's),
 * attention, precision, grouped (length-grouped batches; default random, as a job), strategy (full, or lora: a
 * LoRA adapter with its defaults, the head in full), loraDropout.
 */
public final class StepProfileBenchmark {

    public static void main(String[] args) throws IOException {
        Map<String, String> a = BenchInputs.arguments(args);
        Path modelDir = BenchInputs.model(a);
        Path file = Path.of(a.getOrDefault("train", "../shared/datasets/sst2_train.csv.gz"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "20"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "32"));
        int maxLength = Integer.parseInt(a.getOrDefault("maxLength", "64"));
        AttentionImplementation attention = AttentionImplementation.of(a.getOrDefault("attention", "sdpa"));
        Precision precision = Precision.of(a.getOrDefault("precision", "fp32"));
        // masks=libtorch: dropout masks drawn by libtorch on the CPU, as before DropoutMasks
        DropoutMasks.drawWithLibtorchOnCpu("libtorch".equals(a.get("masks")));
        List<DatasetRow> rows = BenchInputs.read(file, "label");
        List<String> labels = LabelledData.labelsOf(rows);
        List<Example> examples = LabelledData.toExamples(rows, labels).subList(0, Math.min(rows.size(), 2000));
        Device device = Engine.getInstance().defaultDevice();
        TrainingOptions options = Options.of("batchSize", batch, "maxLength", maxLength, "attentionDropout",
                a.containsKey("attentionDropout") ? Double.valueOf(a.get("attentionDropout")) : null);

        try (ClassifierModel model = ClassifierModel.load(modelDir, device, labels,
                ProblemType.SINGLE_LABEL_CLASSIFICATION, false, attention)) {
            model.usePrecision(precision);
            model.useAttentionDropout(options.attentionDropoutFor(model)); // as a job: none on a CPU unless asked
            TokenizedExamples data = TokenizedExamples.of(examples, model.textEncoder(), maxLength,
                    model.config().padTokenId());
            // random batches (a job's default, groupByLength false) unless grouped=true
            List<int[]> batches = Boolean.parseBoolean(a.getOrDefault("grouped", "false"))
                    ? LengthGroupedBatches.forTraining(data, batch, new Random(42))
                    : LengthGroupedBatches.shuffled(data.size(), batch, new Random(42));
            Objective objective = Objective.forTraining(ProblemType.SINGLE_LABEL_CLASSIFICATION, labels, options,
                    data.targets());
            List<AdamW.Trainable> trainable = new ArrayList<>();
            boolean lora = "lora".equals(a.get("strategy"));
            if (lora) {
                model.attachLora(new dev.attune.modeling.LoraSettings(null, null,
                        a.containsKey("loraDropout") ? Double.valueOf(a.get("loraDropout")) : null, null)
                        .withDefaults(model.config().modelType()), 42, modelDir);
                trainable.addAll(TrainableParameters.select(model, Options.of("strategy", "lora")));
            } else {
                ParameterNames.of(model.block()).forEach((name, slot) -> {
                    NDArray weight = slot.parameter().getArray();
                    weight.setRequiresGradient(true);
                    trainable.add(new AdamW.Trainable(name, weight,
                            !(name.endsWith(".bias") || slot.owner() instanceof dev.attune.modeling.LayerNorm)));
                });
            }

            double forward = 0;
            double backward = 0;
            double step = 0;
            long tokens = 0;
            try (AdamW adamW = new AdamW(trainable, 0.01, model.manager())) {
                for (int i = 0; i < steps + 2; i++) {
                    int[] indices = batches.get(i % batches.size());
                    long t0 = System.nanoTime();
                    long t1;
                    long t2;
                    try (NDManager scope = model.manager().newSubManager();
                            ThreadGradients gradients = new ThreadGradients()) {
                        NDList inputs = data.batch(indices).toNDList(scope);
                        NDArray logits = model.forward(inputs, true).get(0);
                        NDArray loss = objective.loss(logits, data.targets().select(indices), scope);
                        loss.getFloat();
                        t1 = System.nanoTime();
                        gradients.backward(loss);
                        waitFor(trainable);
                        t2 = System.nanoTime();
                        if (i >= 2) {
                            tokens += inputs.get(0).getShape().get(1);
                        }
                    }
                    adamW.step(1e-5, 1.0);
                    adamW.skippedSteps(); // waits for the device
                    long t3 = System.nanoTime();
                    if (i >= 2) { // two untimed steps first
                        forward += (t1 - t0) / 1e6;
                        backward += (t2 - t1) / 1e6;
                        step += (t3 - t2) / 1e6;
                    }
                }
                long paddedLength = Math.round((double) tokens / steps);
                double total = (forward + backward + step) / steps;
                System.out.printf("| %s | %s%s %s | %d x %d (padded %d) | %.1f | %.1f | %.1f | %.1f | %.1f |%n", device,
                        lora ? "lora, " : "", attention.id(), precision.id(), batch, maxLength, paddedLength, forward / steps,
                        backward / steps, step / steps, total, batch * 1000 / total);

                double perTensor = timeOptimizer(() -> perTensorStep(trainable, model.manager()), steps);
                double fused = timeOptimizer(() -> {
                    adamW.step(1e-5, 1.0);
                    adamW.skippedSteps();
                }, steps);
                System.out.printf("%noptimizer step (%d tensors, %d weights): per tensor (DJL adamUpdate, norm read "
                        + "tensor by tensor) %.1f ms, fused on the device %.1f ms (%.1fx)%n", trainable.size(),
                        trainable.stream().mapToLong(t -> t.weight().size()).sum(), perTensor, fused, perTensor / fused);

                int layers = model.config().numLayers();
                long rowsPerBatch = batch * paddedLength;
                long hidden = model.config().hiddenSize();
                double gelu = timeOp(model.manager(), new Shape(rowsPerBatch, model.config().intermediateSize()),
                        x -> Activation.gelu(x), steps) * layers;
                double layerNorm = timeOp(model.manager(), new Shape(rowsPerBatch, hidden),
                        x -> LayerNorm.layerNorm(x, new Shape(hidden), x.getManager().ones(new Shape(hidden)),
                                x.getManager().zeros(new Shape(hidden)), 1e-12f).singletonOrThrow(), steps)
                        * (2 * layers + 1);
                System.out.printf("GELU (%d per step) %.1f ms = %.0f%% of the step; layer norm (%d per step) %.1f ms = "
                        + "%.0f%%%n", layers, gelu, 100 * gelu / total, 2 * layers + 1, layerNorm,
                        100 * layerNorm / total);
            }
        }
    }

    /** Blocks until the device has finished the backward pass: reads one gradient element. */
    private static void waitFor(List<AdamW.Trainable> trainable) {
        try (NDArray grad = trainable.get(trainable.size() - 1).weight().getGradient()) {
            grad.toFloatArray();
        }
    }

    private static double timeOptimizer(Runnable step, int steps) {
        step.run();
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            step.run();
        }
        return (System.nanoTime() - start) / 1e6 / steps;
    }

    private static final Map<NDArray, NDArray[]> MOMENTS = new java.util.IdentityHashMap<>();

    /** The optimizer step as attune ran it before the fused kernel: one global-norm read, then DJL per tensor. */
    private static void perTensorStep(List<AdamW.Trainable> trainable, NDManager manager) {
        double sum = 0;
        for (AdamW.Trainable t : trainable) {
            try (NDArray grad = t.weight().getGradient(); NDArray squares = grad.square(); NDArray total = squares.sum()) {
                sum += total.getFloat();
            }
        }
        float rescale = (float) Math.min(1, 1 / (Math.sqrt(sum) + 1e-6));
        for (AdamW.Trainable t : trainable) {
            NDArray weight = t.weight();
            NDArray[] moments = MOMENTS.computeIfAbsent(weight,
                    w -> new NDArray[] {manager.zeros(w.getShape()), manager.zeros(w.getShape())});
            try (NDArray grad = weight.getGradient()) {
                weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, moments[0], moments[1]),
                        new NDList(weight), 1e-5f, 1e-5f, t.decay() ? 0.01f : 0f, rescale, -1f, 0.9f, 0.999f, 1e-8f,
                        true, true);
                grad.muli(0);
            }
        }
    }

    /** Milliseconds for forward + backward of one operation on a random input of this shape. */
    private static double timeOp(NDManager parent, Shape shape, java.util.function.UnaryOperator<NDArray> op, int steps) {
        double total = 0;
        for (int i = 0; i < steps + 1; i++) {
            try (NDManager scope = parent.newSubManager(); ThreadGradients gradients = new ThreadGradients()) {
                NDArray x = scope.randomNormal(shape);
                x.setRequiresGradient(true);
                long start = System.nanoTime();
                NDArray y = op.apply(x);
                gradients.backward(y.sum());
                x.getGradient().get(0).toFloatArray();
                if (i > 0) {
                    total += (System.nanoTime() - start) / 1e6;
                }
            }
        }
        return total / steps;
    }
}
