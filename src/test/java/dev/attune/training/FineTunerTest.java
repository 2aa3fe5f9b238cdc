package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LoraSettings;
import dev.attune.modeling.Precision;
import dev.attune.support.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on the tiny golden models and a small, learnable data set. */
class FineTunerTest {

    private static final List<String> LABELS = List.of("negative", "positive");

    @TempDir
    Path dir;

    @Test
    void lossFallsAndTheBestCheckpointIsSavedAndReloads() {
        TrainingOptions options = options("full", 6, 3e-3, null);
        Run run = train("tiny-bert", options, TrainingListener.NONE);

        List<EvaluationPoint> history = run.result.history();
        assertThat(history).hasSize(6);
        assertThat(history.get(history.size() - 1).trainLoss()).isLessThan(history.get(0).trainLoss() * 0.7);
        assertThat(history.get(history.size() - 1).metrics().loss()).isLessThan(history.get(0).metrics().loss());
        assertThat(run.result.best().metrics().score(TrainingOptions.MetricForBest.ACCURACY)).isGreaterThanOrEqualTo(0.9);
        try (ClassifierModel best = ClassifierModel.load(run.bestDir, Device.cpu())) {
            assertThat(best.config().labels()).isEqualTo(LABELS);
            EvaluationMetrics again = FineTuner.evaluate(best, run.validation, 16);
            assertThat(again).usingRecursiveComparison().isEqualTo(run.result.best().metrics());
        }
    }

    @Test
    void sameSeedGivesTheSameRunOnCpu() {
        TrainingOptions options = options("full", 2, 3e-3, null);
        Run first = train("tiny-distilbert", options, TrainingListener.NONE);
        Run second = train("tiny-distilbert", options, TrainingListener.NONE);
        assertThat(second.result.history().get(1).trainLoss()).isEqualTo(first.result.history().get(1).trainLoss());
        assertThat(second.result.history().get(1).metrics().loss()).isEqualTo(first.result.history().get(1).metrics().loss());
    }

    @Test
    void headStrategyChangesOnlyTheHead() {
        Map<String, float[]> before = weights("tiny-roberta");
        Run run = train("tiny-roberta", options("head", 3, 1e-2, null), TrainingListener.NONE);
        Map<String, float[]> after = weightsOf(run.bestDir);

        before.forEach((name, values) -> {
            boolean head = name.startsWith("classifier.");
            if (!head) {
                assertThat(after.get(name)).as(name).containsExactly(values);
            }
        });
        assertThat(after.get("classifier.out_proj.weight")).isNotEqualTo(before.get("classifier.out_proj.weight"));
        assertThat(run.result.history().get(2).trainLoss()).isLessThan(run.result.history().get(0).trainLoss());
    }

    @Test
    void lastLayersStrategyFreezesTheLowerLayersAndEmbeddings() {
        Map<String, float[]> before = weights("tiny-bert");
        TrainingOptions options = Options.of("strategy", "last_layers", "lastLayers", 1, "epochs", 2,
                "learningRate", 3e-3, "batchSize", 8, "seed", 7L);
        Run run = train("tiny-bert", options, TrainingListener.NONE);
        Map<String, float[]> after = weightsOf(run.bestDir);

        assertThat(after.get("bert.embeddings.word_embeddings.weight"))
                .containsExactly(before.get("bert.embeddings.word_embeddings.weight"));
        assertThat(after.get("bert.encoder.layer.0.attention.self.query.weight"))
                .containsExactly(before.get("bert.encoder.layer.0.attention.self.query.weight"));
        assertThat(after.get("bert.encoder.layer.1.attention.self.query.weight"))
                .isNotEqualTo(before.get("bert.encoder.layer.1.attention.self.query.weight"));
    }

    @Test
    void earlyStoppingEndsTheRunAfterPatienceEvaluationsWithoutGain() {
        // learning rate 0: nothing ever improves after the first evaluation
        TrainingOptions options = Options.of("epochs", 10, "learningRate", 1e-12, "batchSize", 8, "warmupRatio", 0.0,
                "seed", 7L, "metricForBest", "loss", "earlyStoppingPatience", 2, "evalEverySteps", 3);
        Run run = train("tiny-bert", options, TrainingListener.NONE);
        assertThat(run.result.stoppedEarly()).isTrue();
        assertThat(run.result.history()).hasSize(3);
        assertThat(run.result.history().get(0).step()).isEqualTo(3);
    }

    @Test
    void fp16TrainsWithDynamicLossScalingAndLearnsAsFp32Does() {
        TrainingOptions options = options("full", 6, 3e-3, null);
        List<String> lines = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void log(String message) {
                lines.add(message);
            }
        };
        Run fp32 = train("tiny-bert", options, TrainingListener.NONE);
        Run fp16 = train("tiny-bert", options, listener, Precision.FP16);
        assertThat(lines).noneMatch(line -> line.contains("skipped")); // these gradients fit float16 at 65,536×
        List<EvaluationPoint> history = fp16.result.history();
        assertThat(history.get(history.size() - 1).trainLoss()).isLessThan(history.get(0).trainLoss() * 0.7);
        assertThat(fp16.result.best().metrics().score(TrainingOptions.MetricForBest.ACCURACY))
                .isGreaterThanOrEqualTo(fp32.result.best().metrics().score(TrainingOptions.MetricForBest.ACCURACY) - 0.1);
    }

    @Test
    void fp16OverflowSkipsStepsAndHalvesTheScaleThenFailsWhenItRunsOut() {
        List<String> lines = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void log(String message) {
                lines.add(message);
            }
        };
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert"), Device.cpu(), LABELS)) {
            model.usePrecision(Precision.FP16);
            model.parameters().get("classifier.weight").muli(1e7f); // logits beyond float16's 65,504 on every batch
            TokenizedExamples data = tokenized(model, examples(new Random(1), 64));
            FineTuner tuner = new FineTuner(model, options("full", 5, 1e-3, 1000), listener);
            assertThatThrownBy(() -> tuner.train(data, data, dir.resolve("best")))
                    .isInstanceOf(TrainingFailedException.class).hasMessageContaining("fp16 gradients stayed non-finite")
                    .extracting(e -> ((TrainingFailedException) e).reason()).isEqualTo("non_finite_gradient");
        }
        // read back from the device at step 1, then every 10 steps and at each epoch's end: halved at every step
        assertThat(lines).contains("fp16: gradients overflowed, 1 step(s) skipped by step 1, loss scale now 32768.0");
        assertThat(lines).filteredOn(line -> line.startsWith("fp16:")).allSatisfy(line -> {
            int step = Integer.parseInt(line.replaceAll(".* by step (\\d+),.*", "$1"));
            assertThat(line).endsWith("loss scale now " + LossScale.INITIAL / Math.pow(2, step));
        });
    }

    @Test
    void nonFiniteLossStopsTheRunWithAClearReason() {
        ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert"), Device.cpu(), LABELS);
        try (model) {
            NDArray classifier = model.parameters().get("classifier.weight");
            classifier.set(new float[(int) classifier.size()]);
            classifier.muli(Float.NaN);
            TokenizedExamples data = tokenized(model, examples(new Random(1), 16));
            FineTuner tuner = new FineTuner(model, options("full", 1, 1e-3, null), TrainingListener.NONE);
            assertThatThrownBy(() -> tuner.train(data, data, dir.resolve("best")))
                    .isInstanceOf(TrainingFailedException.class).hasMessageContaining("NaN")
                    .extracting(e -> ((TrainingFailedException) e).reason()).isEqualTo("non_finite_loss");
        }
    }

    @Test
    void cancellationStopsAtTheNextStep() {
        List<Long> steps = new ArrayList<>();
        TrainingListener cancelAfterTwo = new TrainingListener() {
            @Override
            public void onStep(Progress progress) {
                steps.add(progress.step());
            }

            @Override
            public boolean cancelRequested() {
                return steps.size() >= 2;
            }
        };
        assertThatThrownBy(() -> train("tiny-bert", options("full", 3, 1e-3, null), cancelAfterTwo))
                .isInstanceOf(TrainingCancelledException.class);
        assertThat(steps).containsExactly(1L, 2L);
    }

    @Test
    void aRunStoppedAfterAnEvaluationContinuesFromItsResumePointExactlyAsIfUninterrupted() {
        TrainingOptions options = options("full", 4, 3e-3, null);
        Finished uninterrupted = trainToEnd("tiny-bert", options, null, dir.resolve("best-straight"));

        ResumePoint resume = new ResumePoint(dir.resolve("resume"));
        List<Long> evaluatedAt = new ArrayList<>();
        TrainingListener stopAfterTwoEpochs = new TrainingListener() {
            @Override
            public void onEvaluation(EvaluationPoint point, boolean best) {
                evaluatedAt.add(point.step());
            }

            @Override
            public boolean cancelRequested() {
                return evaluatedAt.size() == 2;
            }
        };
        Engine.getInstance().setRandomSeed(7);
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert"), Device.cpu(), LABELS)) {
            TokenizedExamples train = tokenized(model, examples(new Random(1), 64));
            TokenizedExamples validation = tokenized(model, examples(new Random(2), 32));
            assertThatThrownBy(() -> new FineTuner(model, options, stopAfterTwoEpochs).train(train, validation,
                    dir.resolve("best-resumed"), resume)).isInstanceOf(TrainingCancelledException.class);
        }
        assertThat(resume.exists()).isTrue();
        assertThat(resume.step()).isEqualTo(16); // 2 epochs of 8 batches

        List<String> log = new ArrayList<>();
        TrainingListener logging = new TrainingListener() {
            @Override
            public void log(String message) {
                log.add(message);
            }
        };
        Finished resumed = trainToEnd(resume.modelDir(), options, resume, dir.resolve("best-resumed"), logging);

        assertThat(log).anyMatch(line -> line.startsWith("resumed from step 16 (epoch 3, batch 0)"));
        assertThat(resumed.result().steps()).isEqualTo(32);
        assertThat(resumed.result().history()).extracting(EvaluationPoint::step).containsExactly(8L, 16L, 24L, 32L);
        assertThat(resumed.result().history()).extracting(EvaluationPoint::trainLoss)
                .containsExactlyElementsOf(uninterrupted.result().history().stream().map(EvaluationPoint::trainLoss).toList());
        assertThat(resumed.result().history()).extracting(p -> p.metrics().loss())
                .containsExactlyElementsOf(uninterrupted.result().history().stream().map(p -> p.metrics().loss()).toList());
        uninterrupted.weights().forEach((name, values) ->
                assertThat(resumed.weights().get(name)).as(name).containsExactly(values));
    }

    /**
     * The attention dropout is decided when a run starts (a CPU's default: none) and kept in its resume point; a
     * resume point from before the option resumes with the checkpoint's, as such runs trained.
     */
    @Test
    void theAttentionDropoutIsDecidedWhenARunStartsAndKeptWhenItResumes() throws Exception {
        TrainingOptions options = options("full", 2, 3e-3, null);
        ResumePoint resume = new ResumePoint(dir.resolve("resume-dropout"));
        TrainingListener stopAfterOneEpoch = new TrainingListener() {
            @Override
            public boolean cancelRequested() {
                return resume.exists();
            }
        };
        Engine.getInstance().setRandomSeed(7);
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert"), Device.cpu(), LABELS)) {
            assertThat(attentionDropouts(model)).as("tiny-bert's config").containsOnly(0.1f).hasSize(2);
            TokenizedExamples train = tokenized(model, examples(new Random(1), 64));
            TokenizedExamples validation = tokenized(model, examples(new Random(2), 32));
            assertThatThrownBy(() -> new FineTuner(model, options, stopAfterOneEpoch).train(train, validation,
                    dir.resolve("best-dropout"), resume)).isInstanceOf(TrainingCancelledException.class);
            assertThat(attentionDropouts(model)).containsOnly(0f);
        }
        Path state = resume.modelDir().resolveSibling("state.json");
        assertThat(Files.readString(state)).contains("\"attentionDropout\":0.0");
        // as a resume point written before the option: no attentionDropout in it
        Files.writeString(state, Files.readString(state).replace(",\"attentionDropout\":0.0", ""));
        List<String> log = new ArrayList<>();
        try (ClassifierModel model = ClassifierModel.load(resume.modelDir(), Device.cpu())) {
            TokenizedExamples train = tokenized(model, examples(new Random(1), 64));
            TokenizedExamples validation = tokenized(model, examples(new Random(2), 32));
            new FineTuner(model, options, new TrainingListener() {
                @Override
                public void log(String message) {
                    log.add(message);
                }
            }).train(train, validation, dir.resolve("best-dropout"), resume);
            assertThat(attentionDropouts(model)).containsOnly(0.1f);
        }
        assertThat(log).contains("attention dropout 0.1, as when this run started");
    }

    @Test
    void setFitTrainsItsEncoderWithTheRunsAttentionDropoutToo() {
        try (ClassifierModel model = ClassifierModel.loadSetFit(Golden.dir("tiny-bert"), Device.cpu(), LABELS,
                dev.attune.modeling.AttentionImplementation.SDPA)) {
            assertThat(attentionDropouts(model)).containsOnly(0.1f).isNotEmpty();
            new SetFitTrainer(model, Options.of("strategy", "setfit", "attentionDropout", 0.25), TrainingListener.NONE);
            assertThat(attentionDropouts(model)).containsOnly(0.25f);
            new SetFitTrainer(model, Options.of("strategy", "setfit"), TrainingListener.NONE);
            assertThat(attentionDropouts(model)).as("a CPU's default").containsOnly(0f);
        }
    }

    /** The rate of every attention block in the model. */
    static List<Float> attentionDropouts(ClassifierModel model) {
        List<Float> rates = new ArrayList<>();
        java.util.ArrayDeque<ai.djl.nn.Block> blocks = new java.util.ArrayDeque<>(List.of(model.block()));
        while (!blocks.isEmpty()) {
            ai.djl.nn.Block block = blocks.pop();
            if (block instanceof dev.attune.modeling.DropsAttention attention) {
                rates.add(attention.attentionDropout());
            }
            blocks.addAll(block.getChildren().values());
        }
        return rates;
    }

    @Test
    void resumingMidEpochRebuildsThatEpochsBatchesAndEndsWithTheUninterruptedWeights() {
        TrainingOptions options = options("full", 2, 3e-3, 3); // evaluate every 3 steps: mid-epoch resume points
        Finished uninterrupted = trainToEnd("tiny-bert", options, null, dir.resolve("b-straight"));
        ResumePoint resume = new ResumePoint(dir.resolve("resume-mid"));
        List<Long> evaluatedAt = new ArrayList<>();
        TrainingListener stopAtStep6 = new TrainingListener() {
            @Override
            public void onEvaluation(EvaluationPoint point, boolean best) {
                evaluatedAt.add(point.step());
            }

            @Override
            public boolean cancelRequested() {
                return evaluatedAt.contains(6L);
            }
        };
        Engine.getInstance().setRandomSeed(7);
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert"), Device.cpu(), LABELS)) {
            TokenizedExamples train = tokenized(model, examples(new Random(1), 64));
            TokenizedExamples validation = tokenized(model, examples(new Random(2), 32));
            assertThatThrownBy(() -> new FineTuner(model, options, stopAtStep6).train(train, validation, dir.resolve("b"), resume))
                    .isInstanceOf(TrainingCancelledException.class);
        }
        Finished resumed = trainToEnd(resume.modelDir(), options, resume, dir.resolve("b"), TrainingListener.NONE);
        assertThat(resumed.result().steps()).isEqualTo(16);
        assertThat(resumed.result().history()).extracting(EvaluationPoint::step).containsExactly(3L, 6L, 9L, 12L, 15L, 16L);
        assertThat(resumed.result().history()).extracting(EvaluationPoint::trainLoss)
                .containsExactlyElementsOf(uninterrupted.result().history().stream().map(EvaluationPoint::trainLoss).toList());
        uninterrupted.weights().forEach((name, values) ->
                assertThat(resumed.weights().get(name)).as(name).containsExactly(values));
    }

    @Test
    void loraTrainsOnlyItsPairsAndTheHeadAndResumesExactlyAsIfUninterrupted() {
        TrainingOptions options = options("lora", 2, 1e-2, 3);
        Map<String, float[]> before = weights("tiny-bert");
        Finished uninterrupted = trainLora(null, options, null, dir.resolve("lora-straight"), TrainingListener.NONE);
        uninterrupted.weights().forEach((name, values) -> {
            if (name.contains(".lora_B.")) {
                assertThat(values).as(name).isNotEqualTo(new float[values.length]); // B started at zero
            } else if (name.startsWith("classifier.") || name.contains("pooler")) {
                assertThat(values).as(name).isNotEqualTo(before.get(name));
            } else if (!name.contains(".lora_A.")) {
                assertThat(values).as(name + " (frozen)").containsExactly(before.get(name));
            }
        });
        assertThat(uninterrupted.result().history().get(5).trainLoss())
                .isLessThan(uninterrupted.result().history().get(0).trainLoss());

        ResumePoint resume = new ResumePoint(dir.resolve("resume-lora"));
        List<Long> evaluatedAt = new ArrayList<>();
        TrainingListener stopAtStep6 = new TrainingListener() {
            @Override
            public void onEvaluation(EvaluationPoint point, boolean best) {
                evaluatedAt.add(point.step());
            }

            @Override
            public boolean cancelRequested() {
                return evaluatedAt.contains(6L);
            }
        };
        assertThatThrownBy(() -> trainLora(null, options, resume, dir.resolve("lora-b"), stopAtStep6))
                .isInstanceOf(TrainingCancelledException.class);
        assertThat(resume.modelDir().resolve("adapter_config.json")).exists(); // the resume point is the adapter
        Finished resumed = trainLora(resume.modelDir(), options, resume, dir.resolve("lora-b"), TrainingListener.NONE);
        assertThat(resumed.result().history()).extracting(EvaluationPoint::trainLoss)
                .containsExactlyElementsOf(uninterrupted.result().history().stream().map(EvaluationPoint::trainLoss).toList());
        uninterrupted.weights().forEach((name, values) ->
                assertThat(resumed.weights().get(name)).as(name).containsExactly(values));
    }

    /** A LoRA run on tiny-bert (fresh, or from a resume point's adapter); its weights, pairs included, at the end. */
    private Finished trainLora(Path resumeModel, TrainingOptions options, ResumePoint resume, Path bestDir,
            TrainingListener listener) {
        return trainToEnd(resumeModel == null ? Golden.dir("tiny-bert") : resumeModel, options, resume, bestDir,
                listener, model -> model.attachLora(new LoraSettings(4, 8.0, 0.1, null).withDefaults("bert"), 7,
                        Golden.dir("tiny-bert")));
    }

    /** A run's result and its weights at the very end. */
    private record Finished(TrainingResult result, Map<String, float[]> weights) {
    }

    private Finished trainToEnd(String golden, TrainingOptions options, ResumePoint resume, Path bestDir) {
        return trainToEnd(Golden.dir(golden), options, resume, bestDir, TrainingListener.NONE);
    }

    private Finished trainToEnd(Path checkpoint, TrainingOptions options, ResumePoint resume, Path bestDir,
            TrainingListener listener) {
        return trainToEnd(checkpoint, options, resume, bestDir, listener, model -> { });
    }

    /** @param prepareFresh what is done to a freshly loaded model before training (not to a resumed one) */
    private Finished trainToEnd(Path checkpoint, TrainingOptions options, ResumePoint resume, Path bestDir,
            TrainingListener listener, java.util.function.Consumer<ClassifierModel> prepareFresh) {
        Engine.getInstance().setRandomSeed(7);
        boolean fresh = resume == null || !resume.exists();
        try (ClassifierModel model = fresh ? ClassifierModel.load(checkpoint, Device.cpu(), LABELS)
                : ClassifierModel.load(checkpoint, Device.cpu())) {
            if (fresh) {
                prepareFresh.accept(model);
            }
            TokenizedExamples train = tokenized(model, examples(new Random(1), 64));
            TokenizedExamples validation = tokenized(model, examples(new Random(2), 32));
            TrainingResult result = new FineTuner(model, options, listener).train(train, validation, bestDir, resume);
            Map<String, float[]> weights = new java.util.TreeMap<>();
            model.parameters().forEach((name, array) -> weights.put(name, array.toFloatArray()));
            if (model.adapter() != null) {
                model.adapter().pairs().forEach((module, pair) -> {
                    weights.put(module + ".lora_A.weight", pair.a().toFloatArray());
                    weights.put(module + ".lora_B.weight", pair.b().toFloatArray());
                });
            }
            return new Finished(result, weights);
        }
    }

    @Test
    void memoryStaysFlatAcrossEpochs() {
        List<Integer> liveArrays = new ArrayList<>();
        List<Long> residentKb = new ArrayList<>();
        ClassifierModel[] holder = new ClassifierModel[1];
        TrainingListener probe = new TrainingListener() {
            @Override
            public void onEvaluation(EvaluationPoint point, boolean best) {
                liveArrays.add(holder[0].manager().getManagedArrays().size());
                System.gc(); // Java garbage would otherwise grow RSS as fresh heap pages are touched
                residentKb.add(residentKb());
            }
        };
        Engine.getInstance().setRandomSeed(7);
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert"), Device.cpu(), LABELS)) {
            holder[0] = model;
            TokenizedExamples train = tokenized(model, examples(new Random(3), 96));
            TokenizedExamples validation = tokenized(model, examples(new Random(4), 32));
            new FineTuner(model, options("full", 12, 1e-3, null), probe).train(train, validation, dir.resolve("best"));
        }
        assertThat(liveArrays.subList(1, liveArrays.size())).as("live NDArrays after each epoch")
                .allMatch(count -> count.equals(liveArrays.get(1)));
        long growthKb = residentKb.get(residentKb.size() - 1) - residentKb.get(3);
        assertThat(growthKb).as("resident memory growth from epoch 4 to 12, KiB; series " + residentKb)
                .isLessThan(8 * 1024);
    }

    private record Run(TrainingResult result, Path bestDir, TokenizedExamples validation) {
    }

    private Run train(String golden, TrainingOptions options, TrainingListener listener) {
        return train(golden, options, listener, Precision.FP32);
    }

    private Run train(String golden, TrainingOptions options, TrainingListener listener, Precision precision) {
        Engine.getInstance().setRandomSeed((int) (long) options.seed());
        try (ClassifierModel model = ClassifierModel.load(Golden.dir(golden), Device.cpu(), LABELS)) {
            model.usePrecision(precision);
            TokenizedExamples train = tokenized(model, examples(new Random(1), 64));
            TokenizedExamples validation = tokenized(model, examples(new Random(2), 32));
            Path bestDir = dir.resolve("best-" + System.nanoTime());
            TrainingResult result = new FineTuner(model, options, listener).train(train, validation, bestDir);
            return new Run(result, bestDir, validation);
        }
    }

    private static TrainingOptions options(String strategy, int epochs, double lr, Integer evalEvery) {
        return Options.of("strategy", strategy, "epochs", epochs, "learningRate", lr, "batchSize", 8,
                "maxLength", 32, "warmupRatio", 0.1, "weightDecay", 0.01, "maxGradNorm", 1.0, "seed", 7L,
                "evalEverySteps", evalEvery);
    }

    /** Short reviews whose label is decided by the sentiment words in them. */
    static List<Example> examples(Random random, int count) {
        String[] positive = {"great", "good", "wonderful", "fun", "charming", "best"};
        String[] negative = {"bad", "awful", "dull", "boring", "worst", "mess"};
        String[] filler = {"a", "the", "movie", "film", "story", "is", "was", "and", "with"};
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int label = i % 2;
            String[] words = label == 1 ? positive : negative;
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 3 + random.nextInt(8); w++) {
                text.append(random.nextInt(3) == 0 ? words[random.nextInt(words.length)] : filler[random.nextInt(filler.length)])
                        .append(' ');
            }
            text.append(words[random.nextInt(words.length)]);
            examples.add(new Example(text.toString(), label));
        }
        return examples;
    }

    private static TokenizedExamples tokenized(ClassifierModel model, List<Example> examples) {
        return TokenizedExamples.of(examples, model.textEncoder(), 32, model.config().padTokenId());
    }

    private static Map<String, float[]> weights(String golden) {
        return weightsOf(Golden.dir(golden));
    }

    private static Map<String, float[]> weightsOf(Path checkpoint) {
        Map<String, float[]> values = new java.util.TreeMap<>();
        dev.attune.checkpoint.Safetensors.read(checkpoint.resolve("model.safetensors"))
                .forEach((name, tensor) -> values.put(name, tensor.data()));
        return values;
    }

    private static long residentKb() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }
}
