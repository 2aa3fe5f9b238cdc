package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.Safetensors;
import dev.attune.checkpoint.Tensor;
import dev.attune.support.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import dev.attune.checkpoint.CheckpointException;

/** Checkpoint layouts transformers writes, and every way a checkpoint can be wrong. */
class CheckpointLoadingTest {

    @TempDir
    Path dir;

    @Test
    void baseCheckpointWithoutPrefixOrHeadGetsAFreshHeadAndKeepsTheEncoderExact() throws IOException {
        Path base = copyOf("tiny-bert");
        Map<String, Tensor> tensors = new TreeMap<>();
        Safetensors.read(base.resolve("model.safetensors")).forEach((name, tensor) -> {
            if (name.startsWith("bert.") && !name.startsWith("bert.pooler.")) {
                tensors.put(name.substring("bert.".length()), tensor); // as BertModel.save_pretrained writes it
            }
        });
        Safetensors.writeF32(base.resolve("model.safetensors"), tensors);

        JsonNode golden = Golden.json("tiny-bert");
        try (ClassifierModel model = ClassifierModel.load(base, Device.cpu());
                NDManager scope = model.manager().newSubManager()) {
            assertThat(model.loadReport().initialised()).containsExactlyInAnyOrder("bert.pooler.dense.weight",
                    "bert.pooler.dense.bias", "classifier.weight", "classifier.bias");
            float std = model.parameters().get("classifier.weight").toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .pow(2).mean().sqrt().getFloat();
            assertThat(std).isBetween(0.005f, 0.05f); // normal(0, initializer_range = 0.02)
            assertThat(model.parameters().get("classifier.bias").abs().sum().getFloat()).isZero();
            NDList out = model.forward(model.textEncoder().encode(Golden.strings(golden.get("texts")), 64).toNDList(scope), false);
            assertThat(Golden.maxAbsDiff(out.get(1).toFloatArray(), Golden.flatFloats(golden.get("last_hidden_state"))))
                    .isLessThan(1e-4f);
        }
    }

    @Test
    void shardedCheckpointLoadsLikeTheSingleFile() throws IOException {
        Path sharded = copyOf("tiny-roberta");
        Map<String, Tensor> all = Safetensors.read(sharded.resolve("model.safetensors"));
        Map<String, Tensor> first = new LinkedHashMap<>();
        Map<String, Tensor> second = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
        int i = 0;
        for (Map.Entry<String, Tensor> entry : all.entrySet()) {
            String shard = i++ % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            (shard.contains("00001-of") ? first : second).put(entry.getKey(), entry.getValue());
            index.append(i > 1 ? "," : "").append('"').append(entry.getKey()).append("\":\"").append(shard).append('"');
        }
        index.append("}}");
        Safetensors.writeF32(sharded.resolve("model-00001-of-00002.safetensors"), first);
        Safetensors.writeF32(sharded.resolve("model-00002-of-00002.safetensors"), second);
        Files.writeString(sharded.resolve(CheckpointDir.WEIGHTS_INDEX), index);
        Files.delete(sharded.resolve("model.safetensors"));

        JsonNode golden = Golden.json("tiny-roberta");
        try (ClassifierModel model = ClassifierModel.load(sharded, Device.cpu());
                NDManager scope = model.manager().newSubManager()) {
            NDList out = model.forward(model.textEncoder().encode(Golden.strings(golden.get("texts")), 64).toNDList(scope), false);
            assertThat(Golden.maxAbsDiff(out.get(0).toFloatArray(), Golden.flatFloats(golden.get("logits")))).isLessThan(1e-4f);
        }
    }

    @Test
    void pytorchBinOnlyIsRefusedSayingHowToConvert() throws IOException {
        Path bin = copyOf("tiny-bert");
        Files.move(bin.resolve("model.safetensors"), bin.resolve("pytorch_model.bin"));
        assertThatThrownBy(() -> ClassifierModel.load(bin, Device.cpu())).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("pytorch_model.bin").hasMessageContaining("safe_serialization=True");
    }

    @Test
    void unsupportedModelTypeListsTheSupportedOnes() throws IOException {
        Path gpt = copyOf("tiny-bert");
        rewriteConfig(gpt, "\"model_type\": \"bert\"", "\"model_type\": \"gpt2\"");
        assertThatThrownBy(() -> ClassifierModel.load(gpt, Device.cpu())).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("gpt2").hasMessageContaining("[bert, camembert, distilbert, roberta, xlm-roberta]");
    }

    @Test
    void missingEncoderTensorIsNamed() throws IOException {
        Path broken = rewriteWeights("tiny-distilbert", tensors -> tensors.remove("distilbert.transformer.layer.1.ffn.lin2.bias"));
        assertThatThrownBy(() -> ClassifierModel.load(broken, Device.cpu())).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("lacks").hasMessageContaining("distilbert.transformer.layer.1.ffn.lin2.bias");
    }

    @Test
    void unexpectedTensorIsNamed() throws IOException {
        Path broken = rewriteWeights("tiny-distilbert", tensors -> tensors.put("distilbert.extra.weight",
                new Tensor("F32", new long[] {1}, new float[] {1})));
        assertThatThrownBy(() -> ClassifierModel.load(broken, Device.cpu())).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("distilbert.extra.weight");
    }

    @Test
    void wronglyShapedTensorIsNamedWithBothShapes() throws IOException {
        Path broken = rewriteWeights("tiny-bert", tensors -> tensors.put("bert.encoder.layer.0.intermediate.dense.bias",
                new Tensor("F32", new long[] {36}, new float[36])));
        assertThatThrownBy(() -> ClassifierModel.load(broken, Device.cpu())).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("bert.encoder.layer.0.intermediate.dense.bias").hasMessageContaining("(36)")
                .hasMessageContaining("(37)");
    }

    @Test
    void maskedLmHeadAndPositionIdBuffersAreSkipped() throws IOException {
        Path withExtras = rewriteWeights("tiny-bert", tensors -> {
            tensors.put("cls.predictions.bias", new Tensor("F32", new long[] {1000}, new float[1000]));
            tensors.put("bert.embeddings.position_ids", new Tensor("F32", new long[] {1, 64}, new float[64]));
        });
        try (ClassifierModel model = ClassifierModel.load(withExtras, Device.cpu())) {
            assertThat(model.loadReport().skipped()).containsExactlyInAnyOrder("cls.predictions.bias",
                    "bert.embeddings.position_ids");
        }
    }

    @Test
    void maxLengthNeverExceedsTheModelPositions() {
        try (ClassifierModel roberta = ClassifierModel.load(Golden.dir("tiny-roberta"), Device.cpu())) {
            assertThat(roberta.textEncoder().positionLimit()).isEqualTo(68); // 70 positions - padding_idx 1 - 1
            assertThat(roberta.textEncoder().defaultMaxLength()).isEqualTo(64); // tokenizer_config model_max_length
            EncodedBatch long_ = roberta.textEncoder().encode(java.util.List.of("word ".repeat(500)), 68);
            assertThat(long_.tokens()).isEqualTo(68);
            assertThat(long_.truncated()[0]).isTrue();
            assertThatThrownBy(() -> roberta.textEncoder().encode(java.util.List.of("x"), 69))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void paddingIsChosenByTheCallerAndDoesNotChangeTheLogits() {
        JsonNode golden = Golden.json("tiny-bert");
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert"), Device.cpu());
                NDManager scope = model.manager().newSubManager()) {
            java.util.List<String> texts = Golden.strings(golden.get("texts"));
            EncodedBatch padded = model.textEncoder().encode(texts, 64, TextEncoder.Padding.MAX_LENGTH);
            assertThat(padded.tokens()).isEqualTo(64);
            NDList out = model.forward(padded.toNDList(scope), false);
            assertThat(Golden.maxAbsDiff(out.get(0).toFloatArray(), Golden.flatFloats(golden.get("logits")))).isLessThan(1e-4f);
        }
    }

    @Test
    void dropoutActsOnlyInTraining() {
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-roberta"), Device.cpu());
                NDManager scope = model.manager().newSubManager()) {
            NDList inputs = model.textEncoder().encode(java.util.List.of("a fine film", "a dull one"), 64).toNDList(scope);
            float[] eval1 = model.forward(inputs, false).get(0).toFloatArray();
            float[] eval2 = model.forward(inputs, false).get(0).toFloatArray();
            float[] train = model.forward(inputs, true).get(0).toFloatArray();
            assertThat(eval1).containsExactly(eval2);
            assertThat(Golden.maxAbsDiff(eval1, train)).isGreaterThan(1e-4f);
        }
    }

    @Test
    void aConfigurationFileOverSixteenMegabytesIsRefusedBeforeItIsRead() throws IOException {
        Path checkpoint = copyOf("tiny-bert");
        String config = Files.readString(checkpoint.resolve("config.json"));
        Files.writeString(checkpoint.resolve("config.json"), config.substring(0, config.lastIndexOf('}'))
                + " ".repeat(17 * 1024 * 1024) + "}"); // valid JSON, a thousand times the usual size
        assertThatThrownBy(() -> ClassifierModel.load(checkpoint, Device.cpu()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("config.json is ")
                .hasMessageContaining("over 16777216 bytes is refused");
    }

    private Path copyOf(String golden) throws IOException {
        Path target = Files.createDirectories(dir.resolve(golden + "-" + System.nanoTime()));
        try (var files = Files.list(Golden.dir(golden))) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return target;
    }

    private Path rewriteWeights(String golden, java.util.function.Consumer<Map<String, Tensor>> change) throws IOException {
        Path copy = copyOf(golden);
        Map<String, Tensor> tensors = new TreeMap<>(Safetensors.read(copy.resolve("model.safetensors")));
        change.accept(tensors);
        Safetensors.writeF32(copy.resolve("model.safetensors"), tensors);
        return copy;
    }

    private static void rewriteConfig(Path checkpoint, String from, String to) throws IOException {
        Path config = checkpoint.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace(from, to));
    }
}
