package dev.attune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import dev.attune.dataset.DatasetRow;
import dev.attune.modeling.AttentionImplementation;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.DropoutMasks;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ProblemType;
import dev.attune.training.Example;
import dev.attune.training.FineTuner;
import dev.attune.training.LabelledData;
import dev.attune.training.TokenizedExamples;
import dev.attune.training.TrainingListener;
import dev.attune.training.Options;
import dev.attune.training.TrainingOptions;

/**
 * Training throughput of each attention implementation side by side in one JVM: the same rows, the same
 * steps (forward, backward, AdamW), eager first, then sdpa; one markdown row each with the ratio to eager.
 * Run with bench/train-speed.sh. Arguments (key=value): model, train, steps, batch, maxLength, variants
 * (comma-separated attention[+precision][+libtorch-masks][+attention-dropout], default
 * eager+fp32+libtorch-masks+attention-dropout,sdpa+bf16+attention-dropout,sdpa,sdpa+bf16: the first is attune's
 * reference path as it ran before {@link DropoutMasks}, every dropout mask drawn by libtorch and the checkpoint's
 * attention dropout; attention-dropout: the checkpoint's, as a job given it; without: a job's default),
 * warmupSteps (untimed first, default 2),
 * groupByLength (default false, as a job), peakTflops (the device's peak for the batch's precision: adds model
 * FLOP utilisation, 6 × parameters × tokens per sample, as shared/bench/ANCHORS.md counts it).
 */
public final class TrainSpeedBenchmark {

    public static void main(String[] args) throws IOException {
        Map<String, String> a = BenchInputs.arguments(args);
        Path model = BenchInputs.model(a);
        Path file = Path.of(a.getOrDefault("train", "../shared/datasets/sst2_train.csv.gz"));
        int steps = Integer.parseInt(a.getOrDefault("steps", "50"));
        int warmup = Integer.parseInt(a.getOrDefault("warmupSteps", "2"));
        int batch = Integer.parseInt(a.getOrDefault("batch", "32"));
        int maxLength = Integer.parseInt(a.getOrDefault("maxLength", "64"));
        List<DatasetRow> rows = BenchInputs.read(file, "label");
        List<String> labels = LabelledData.labelsOf(rows);
        List<Example> examples = LabelledData.toExamples(rows, labels);
        Device device = Engine.getInstance().defaultDevice();
        boolean grouped = Boolean.parseBoolean(a.getOrDefault("groupByLength", "false"));
        double peakTeraflops = Double.parseDouble(a.getOrDefault("peakTflops", "0"));
        Double eagerRate = null;
        for (String variant : a.getOrDefault("variants",
                "eager+fp32+libtorch-masks+attention-dropout,sdpa+bf16+attention-dropout,sdpa,sdpa+bf16").split(",")) {
            String[] parts = variant.split("\\+");
            AttentionImplementation attention = AttentionImplementation.of(parts[0]);
            Precision precision = parts.length > 1 ? Precision.of(parts[1]) : Precision.FP32;
            List<String> flags = List.of(parts).subList(Math.min(2, parts.length), parts.length);
            boolean libtorchMasks = flags.contains("libtorch-masks");
            Double attentionDropout = flags.contains("attention-dropout") ? checkpointAttentionDropout(model) : null;
            DropoutMasks.drawWithLibtorchOnCpu(libtorchMasks);
            run(model, device, labels, examples.subList(0, warmup * batch), batch, maxLength, attention,
                    attentionDropout, precision, grouped);
            Run timed = run(model, device, labels, examples.subList(warmup * batch, (warmup + steps) * batch), batch,
                    maxLength, attention, attentionDropout, precision, grouped);
            if (eagerRate == null && attention == AttentionImplementation.EAGER && precision == Precision.FP32) {
                eagerRate = timed.rate();
            }
            // model FLOPs as shared/bench/ANCHORS.md counts them: 6 × parameters × tokens (the texts' own)
            double teraflops = 6.0 * timed.parameters() * timed.meanTokens() * timed.rate() / 1e12;
            System.out.printf("| %s | %s | %s | %s | %s | %s | %d x %d | %d | %.1f | %.2f | %s | %.2f | %s |%n", device,
                    file.getFileName(), attention.id() + (attentionDropout != null ? ", dropout " + attentionDropout : ""), precision.id(), libtorchMasks ? "libtorch" : "attune", grouped ? "length-grouped" : "random", batch,
                    maxLength, steps, timed.rate(), timed.meanTokens(),
                    eagerRate == null ? "" : "%.2fx".formatted(timed.rate() / eagerRate), teraflops,
                    peakTeraflops > 0 ? "%.1f%%".formatted(100 * teraflops / peakTeraflops) : "");
        }
    }

    private static double checkpointAttentionDropout(Path model) throws IOException {
        return dev.attune.modeling.ModelConfig.of(dev.attune.checkpoint.CheckpointDir.open(model)).attentionDropout();
    }

    private record Run(double rate, double meanTokens, long parameters) {
    }

    /**
     * One epoch over the rows; the rate counts the steps between the first step's end and the last one's,
     * so loading, the (8-row) evaluation and saving the checkpoint are not in it.
     */
    private static Run run(Path model, Device device, List<String> labels, List<Example> rows, int batch, int maxLength,
            AttentionImplementation attention, Double attentionDropout, Precision precision, boolean grouped)
            throws IOException {
        TrainingOptions options = Options.of("epochs", 1, "batchSize", batch, "maxLength", maxLength,
                "attention", attention, "attentionDropout", attentionDropout, "precision", precision, "warmupRatio", 0.0,
                "groupByLength", grouped);
        Engine.getInstance().setRandomSeed(42);
        try (ClassifierModel m = ClassifierModel.load(model, device, labels, ProblemType.SINGLE_LABEL_CLASSIFICATION,
                false, attention)) {
            m.usePrecision(precision);
            TokenizedExamples train = TokenizedExamples.of(rows, m.textEncoder(), maxLength, m.config().padTokenId());
            TokenizedExamples validation = TokenizedExamples.of(new ArrayList<>(rows.subList(0, Math.min(8, rows.size()))),
                    m.textEncoder(), maxLength, m.config().padTokenId());
            double tokens = 0;
            for (int i = 0; i < train.size(); i++) {
                tokens += train.length(i);
            }
            Path best = Files.createTempDirectory("attune-speed-").resolve("best");
            List<Long> stepEnds = new ArrayList<>();
            new FineTuner(m, options, new TrainingListener() {
                @Override
                public void onStep(Progress progress) {
                    stepEnds.add(System.nanoTime());
                }
            }).train(train, validation, best);
            double seconds = (stepEnds.get(stepEnds.size() - 1) - stepEnds.get(0)) / 1e9;
            long parameters = m.parameters().values().stream().mapToLong(NDArray::size).sum();
            return new Run(seconds > 0 ? (stepEnds.size() - 1) * batch / seconds : 0, tokens / train.size(), parameters);
        }
    }
}
