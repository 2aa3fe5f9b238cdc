package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.CheckpointException;
import dev.attune.checkpoint.Safetensors;
import dev.attune.support.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * LoRA numerics (issue 23): PEFT's initialisation, the forward W x + b + (B A x)·alpha/r and its gradients against
 * a computation by hand, merged weights against the adapter, PEFT's file format, and adapters sharing one base.
 */
class LoraTest {

    private static final List<String> TEXTS = List.of("a gripping, lovely film", "dull and far too long",
            "not bad at all");
    private static final List<String> LABELS = List.of("negative", "positive");

    @TempDir
    Path dir;

    @Test
    void aFreshAdapterIsInitialisedAsPeftDoesAndLeavesTheModelAsItWas() {
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu())) {
            float[][] before = model.logits(model.textEncoder().encode(TEXTS));
            LoraAdapter adapter = model.attachLora(LoraSettings.NONE.withDefaults("bert"), 7, Golden.dir("tiny-bert-sst2"));

            assertThat(adapter.pairs().keySet()).containsExactly(
                    "bert.encoder.layer.0.attention.self.query", "bert.encoder.layer.0.attention.self.value",
                    "bert.encoder.layer.1.attention.self.query", "bert.encoder.layer.1.attention.self.value");
            float bound = (float) (1 / Math.sqrt(32)); // kaiming_uniform_(a=√5): U(-1/√in, 1/√in)
            double sumSquares = 0;
            int count = 0;
            for (LoraAdapter.Pair pair : adapter.pairs().values()) {
                assertThat(pair.a().getShape()).isEqualTo(new Shape(8, 32));
                assertThat(pair.b().getShape()).isEqualTo(new Shape(32, 8));
                assertThat(pair.b().abs().max().getFloat()).isZero();
                for (float value : pair.a().toFloatArray()) {
                    assertThat(Math.abs(value)).isLessThanOrEqualTo(bound);
                    sumSquares += value * value;
                    count++;
                }
            }
            assertThat(Math.sqrt(sumSquares / count)).isCloseTo(bound / Math.sqrt(3), org.assertj.core.data.Percentage.withPercentage(10));
            float[][] after = model.logits(model.textEncoder().encode(TEXTS));
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(after[i]).containsExactly(before[i]);
            }
        }
    }

    @Test
    void forwardAndGradientsMatchAComputationByHand() {
        LoraSettings settings = new LoraSettings(4, 12.0, 0.0, List.of("query"));
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu());
                NDManager scope = model.manager().newSubManager()) {
            LoraAdapter adapter = model.attachLora(settings, 1, Golden.dir("tiny-bert-sst2"));
            String module = "bert.encoder.layer.1.attention.self.query";
            Linear layer = LoraAdapter.linearLayers(model.block()).get(module);
            LoraAdapter.Pair pair = adapter.pairs().get(module);
            Random random = new Random(3);
            float[] a = randoms(random, 4 * 32);
            float[] b = randoms(random, 32 * 4);
            pair.a().set(a);
            pair.b().set(b);
            float[] x = randoms(random, 5 * 32);
            float[] g = randoms(random, 5 * 32);
            float[] w = model.parameters().get(module + ".weight").toFloatArray();
            float[] bias = model.parameters().get(module + ".bias").toFloatArray();
            double scale = 12.0 / 4;

            boolean wasRecording = JniUtils.isGradMode();
            JniUtils.setGradMode(true);
            try {
                pair.a().setRequiresGradient(true);
                pair.b().setRequiresGradient(true);
                NDArray input = scope.create(x, new Shape(5, 32));
                NDArray y = adapter.during(() -> layer.forward(new ParameterStore(scope, false), new NDList(input), true))
                        .singletonOrThrow();
                NDArray loss = y.mul(scope.create(g, new Shape(5, 32))).sum();
                JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);

                float[] expected = new float[5 * 32];
                float[][] ax = new float[5][4]; // A x per row
                for (int n = 0; n < 5; n++) {
                    for (int r = 0; r < 4; r++) {
                        for (int i = 0; i < 32; i++) {
                            ax[n][r] += a[r * 32 + i] * x[n * 32 + i];
                        }
                    }
                    for (int o = 0; o < 32; o++) {
                        double sum = bias[o];
                        for (int i = 0; i < 32; i++) {
                            sum += w[o * 32 + i] * x[n * 32 + i];
                        }
                        for (int r = 0; r < 4; r++) {
                            sum += scale * b[o * 4 + r] * ax[n][r];
                        }
                        expected[n * 32 + o] = (float) sum;
                    }
                }
                assertThat(Golden.maxAbsDiff(y.toFloatArray(), expected)).isLessThan(1e-4f);

                // dL/dB[o][r] = s Σn g[n][o] (A x)[n][r];  dL/dA[r][i] = s Σn (Σo g[n][o] B[o][r]) x[n][i]
                float[] gradB = new float[32 * 4];
                float[] gradA = new float[4 * 32];
                for (int n = 0; n < 5; n++) {
                    for (int o = 0; o < 32; o++) {
                        for (int r = 0; r < 4; r++) {
                            gradB[o * 4 + r] += (float) (scale * g[n * 32 + o] * ax[n][r]);
                        }
                    }
                    for (int r = 0; r < 4; r++) {
                        double gb = 0;
                        for (int o = 0; o < 32; o++) {
                            gb += g[n * 32 + o] * b[o * 4 + r];
                        }
                        for (int i = 0; i < 32; i++) {
                            gradA[r * 32 + i] += (float) (scale * gb * x[n * 32 + i]);
                        }
                    }
                }
                assertThat(Golden.maxAbsDiff(pair.b().getGradient().toFloatArray(), gradB)).isLessThan(1e-4f);
                assertThat(Golden.maxAbsDiff(pair.a().getGradient().toFloatArray(), gradA)).isLessThan(1e-4f);
                assertThat(model.parameters().get(module + ".weight").hasGradient()).isFalse(); // W stays frozen
            } finally {
                JniUtils.setGradMode(wasRecording);
                pair.a().setRequiresGradient(false);
                pair.b().setRequiresGradient(false);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-bert", "tiny-distilbert", "tiny-roberta"})
    void theMergedCheckpointAnswersAsTheAdapterAndTheAdapterSavesInPeftsFormat(String name) throws IOException {
        Path base = Golden.dir(name);
        float[][] adapted;
        try (ClassifierModel model = ClassifierModel.load(base, Device.cpu(), LABELS)) {
            String type = model.config().modelType();
            LoraAdapter adapter = model.attachLora(LoraSettings.NONE.withDefaults(type), 5, base);
            Random random = new Random(11);
            adapter.pairs().values().forEach(pair -> pair.b().set(randoms(random, (int) pair.b().size())));
            adapted = model.logits(model.textEncoder().encode(TEXTS));
            model.saveMerged(dir.resolve("merged"));
            model.save(dir.resolve("adapter"));
        }
        try (ClassifierModel merged = ClassifierModel.load(dir.resolve("merged"), Device.cpu())) {
            assertThat(merged.adapter()).isNull();
            float[][] logits = merged.logits(merged.textEncoder().encode(TEXTS));
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(Golden.maxAbsDiff(logits[i], adapted[i])).isLessThan(1e-5f);
            }
        }

        Path adapterDir = dir.resolve("adapter");
        assertThat(adapterDir.resolve(CheckpointDir.WEIGHTS)).doesNotExist();
        JsonNode config = CheckpointDir.readJson(adapterDir.resolve("adapter_config.json"));
        assertThat(config.get("peft_type").asString()).isEqualTo("LORA");
        assertThat(config.get("task_type").asString()).isEqualTo("SEQ_CLS");
        assertThat(config.get("r").asInt()).isEqualTo(8);
        assertThat(config.get("lora_alpha").isIntegralNumber()).isTrue();
        assertThat(config.get("lora_alpha").asInt()).isEqualTo(16);
        assertThat(config.get("lora_dropout").asDouble()).isEqualTo(0.1);
        Map<String, long[]> tensors = Safetensors.shapes(adapterDir.resolve("adapter_model.safetensors"));
        String query = switch (name) {
            case "tiny-distilbert" -> "distilbert.transformer.layer.0.attention.q_lin";
            case "tiny-roberta" -> "roberta.encoder.layer.0.attention.self.query";
            default -> "bert.encoder.layer.0.attention.self.query";
        };
        assertThat(tensors).containsKeys("base_model.model." + query + ".lora_A.weight",
                "base_model.model." + query + ".lora_B.weight");
        assertThat(tensors.get("base_model.model." + query + ".lora_A.weight")).containsExactly(8, 32);
        switch (name) {
            case "tiny-distilbert" -> {
                assertThat(strings(config.get("modules_to_save"))).containsExactly("pre_classifier", "classifier");
                assertThat(tensors).containsKeys("base_model.model.pre_classifier.weight",
                        "base_model.model.classifier.bias");
            }
            case "tiny-roberta" -> {
                assertThat(strings(config.get("modules_to_save"))).containsExactly("classifier");
                assertThat(tensors).containsKeys("base_model.model.classifier.dense.weight",
                        "base_model.model.classifier.out_proj.weight");
            }
            default -> {
                assertThat(strings(config.get("modules_to_save"))).containsExactlyInAnyOrder("classifier", "pooler");
                assertThat(tensors).containsKeys("base_model.model.bert.pooler.dense.weight",
                        "base_model.model.classifier.weight");
            }
        }
        assertThat(tensors.keySet()).allMatch(t -> t.contains(".lora_") || t.contains("classifier")
                || t.contains("pooler")); // nothing of the frozen base
        try (ClassifierModel reloaded = ClassifierModel.load(adapterDir, Device.cpu())) {
            assertThat(reloaded.adapter()).isNotNull();
            float[][] logits = reloaded.logits(reloaded.textEncoder().encode(TEXTS));
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(Golden.maxAbsDiff(logits[i], adapted[i])).isLessThan(1e-5f);
            }
        }
    }

    @Test
    void adaptersOverOneLoadedBaseAnswerAsEachDoesAlone() throws IOException {
        Path base = Golden.dir("tiny-bert");
        float[][][] alone = new float[2][][];
        for (int k = 0; k < 2; k++) {
            try (ClassifierModel model = ClassifierModel.load(base, Device.cpu(), k == 0 ? LABELS
                    : List.of("a", "b", "c"))) {
                LoraAdapter adapter = model.attachLora(LoraSettings.NONE.withDefaults("bert"), 20 + k, base);
                Random random = new Random(k);
                adapter.pairs().values().forEach(pair -> pair.b().set(randoms(random, (int) pair.b().size())));
                model.save(dir.resolve("adapter" + k));
            }
            try (ClassifierModel own = ClassifierModel.load(dir.resolve("adapter" + k), Device.cpu())) {
                alone[k] = own.logits(own.textEncoder().encode(TEXTS));
            }
        }
        int[] released = new int[1];
        try (ClassifierModel shared = ClassifierModel.load(base, Device.cpu())) {
            float[][] baseBefore = shared.logits(shared.textEncoder().encode(TEXTS));
            try (AdapterOverBase first = AdapterOverBase.open(dir.resolve("adapter0"), shared, () -> released[0]++);
                    AdapterOverBase second = AdapterOverBase.open(dir.resolve("adapter1"), shared, () -> released[0]++)) {
                float[][] one = first.logits(first.textEncoder().encode(TEXTS));
                float[][] two = second.logits(second.textEncoder().encode(TEXTS));
                assertThat(two[0]).hasSize(3);
                for (int i = 0; i < TEXTS.size(); i++) {
                    assertThat(Golden.maxAbsDiff(one[i], alone[0][i])).isLessThan(1e-5f);
                    assertThat(Golden.maxAbsDiff(two[i], alone[1][i])).isLessThan(1e-5f);
                }
                assertThat(first.config().labels()).isEqualTo(LABELS);
                assertThat(first.adapterBytes()).isLessThan(20_000);
            }
            float[][] baseAfter = shared.logits(shared.textEncoder().encode(TEXTS));
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(baseAfter[i]).containsExactly(baseBefore[i]); // the base is left as it was
            }
        }
        assertThat(released[0]).isEqualTo(2);
    }

    @Test
    void anAdapterWhoseBaseIsGoneOrWhichNamesNoLayerIsRefusedClearly() throws IOException {
        Path base = dir.resolve("base");
        Files.createDirectories(base);
        for (Path file : Files.list(Golden.dir("tiny-bert")).toList()) {
            Files.copy(file, base.resolve(file.getFileName()));
        }
        try (ClassifierModel model = ClassifierModel.load(base, Device.cpu(), LABELS)) {
            assertThatThrownBy(() -> model.attachLora(new LoraSettings(8, 16.0, 0.1, List.of("q_proj")), 1, base))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("q_proj")
                    .hasMessageContaining("[query, value]");
            model.attachLora(LoraSettings.NONE.withDefaults("bert"), 1, base);
            model.save(dir.resolve("adapter"));
        }
        dev.attune.files.FileTrees.delete(base);
        assertThatThrownBy(() -> ClassifierModel.load(dir.resolve("adapter"), Device.cpu()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("base model").hasMessageContaining("gone");
    }

    private static float[] randoms(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian() * 0.2f;
        }
        return values;
    }

    private static List<String> strings(JsonNode array) {
        return Golden.strings(array);
    }
}
