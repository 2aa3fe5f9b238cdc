package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.Safetensors;
import dev.attune.modeling.onnx.OnnxClassifier;
import dev.attune.modeling.onnx.OnnxExport;
import dev.attune.support.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SetFit model on the tiny golden BERT: its logits are the head over the mean-pooled token states (checked against
 * the encoder's states pooled by hand), it saves as an encoder checkpoint sentence-transformers loads (BertModel,
 * modules.json, 1_Pooling) with the head beside it, reloads with the same answers, and exports to ONNX with pooling
 * and head in the graph.
 */
class SetFitModelTest {

    private static final List<String> TEXTS = List.of("a wonderful film", "the worst story, dull and a mess to watch");

    @Test
    void logitsAreTheHeadOverMeanPooledStatesAndSurviveSaveReloadAndOnnx(@TempDir Path dir) throws Exception {
        float[][] logits;
        try (ClassifierModel model = ClassifierModel.loadSetFit(Golden.dir("tiny-bert"), Device.cpu(),
                List.of("negative", "positive", "neutral"), AttentionImplementation.SDPA)) {
            SetFitClassifier block = (SetFitClassifier) model.block();
            assertThat(block.pooling()).as("tiny-bert has no modules.json").isEqualTo(SentencePooling.MEAN);
            int hidden = model.config().hiddenSize();
            float[] weight = new float[3 * hidden];
            for (int i = 0; i < weight.length; i++) {
                weight[i] = (float) Math.sin(i);
            }
            block.useHead(FloatBuffer.wrap(weight), FloatBuffer.wrap(new float[] {0.5f, -0.25f, 0}));
            EncodedBatch batch = EncodedBatch.of(model.textEncoder().tokens(TEXTS, 32), model.textEncoder().padId());
            logits = model.logits(batch);
            try (NDManager scope = model.manager().newSubManager()) {
                var inputs = batch.toNDList(scope);
                float[] states = block.encode(new ParameterStore(scope, false), inputs.get(0), inputs.get(1),
                        inputs.get(2), false).toFloatArray(); // (B, T, H)
                for (int b = 0; b < TEXTS.size(); b++) {
                    double[] mean = new double[hidden];
                    int real = 0;
                    for (int t = 0; t < batch.tokens(); t++) {
                        if (batch.attentionMask()[b * batch.tokens() + t] == 1) {
                            real++;
                            for (int h = 0; h < hidden; h++) {
                                mean[h] += states[(b * batch.tokens() + t) * hidden + h];
                            }
                        }
                    }
                    double[] bias = {0.5, -0.25, 0};
                    for (int c = 0; c < 3; c++) {
                        double z = bias[c];
                        for (int h = 0; h < hidden; h++) {
                            z += weight[c * hidden + h] * mean[h] / real;
                        }
                        assertThat(logits[b][c]).as("text %d class %d", b, c).isCloseTo((float) z, within(1e-4f));
                    }
                }
            }
            model.save(dir);
            try (OnnxClassifier onnx = OnnxClassifier.of(model, OnnxExport.Weights.FP32)) {
                float[][] fromOnnx = onnx.logits(batch);
                for (int b = 0; b < TEXTS.size(); b++) {
                    assertThat(fromOnnx[b]).containsExactly(logits[b], within(1e-4f));
                }
            }
        }
        String config = Files.readString(dir.resolve("config.json"));
        assertThat(config).contains("\"BertModel\"", "\"attune_head\" : \"setfit\"", "\"attune_pooling\" : \"mean\"");
        assertThat(Files.readString(dir.resolve("modules.json"))).contains("1_Pooling");
        assertThat(Files.readString(dir.resolve("1_Pooling/config.json"))).contains("\"pooling_mode_mean_tokens\" : true");
        assertThat(Safetensors.shapes(dir.resolve(CheckpointDir.WEIGHTS))).containsKeys("classifier.weight",
                "classifier.bias", "bert.embeddings.word_embeddings.weight");
        try (ClassifierModel reloaded = ClassifierModel.load(dir, Device.cpu())) {
            assertThat(reloaded.block()).isInstanceOf(SetFitClassifier.class);
            float[][] again = reloaded.logits(EncodedBatch.of(reloaded.textEncoder().tokens(TEXTS, 32),
                    reloaded.textEncoder().padId()));
            for (int b = 0; b < TEXTS.size(); b++) {
                assertThat(again[b]).containsExactly(logits[b], within(1e-5f));
            }
        }
    }

    @Test
    void maxPoolingWithNormalizeExportsToOnnxAlike(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base");
        Files.createDirectories(base);
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(Golden.dir("tiny-bert").resolve(file), base.resolve(file));
        }
        new SentencePooling(SentencePooling.Mode.MAX, true).writeModules(base, 32);
        try (ClassifierModel model = ClassifierModel.loadSetFit(base, Device.cpu(), List.of("a", "b"),
                AttentionImplementation.SDPA);
                OnnxClassifier onnx = OnnxClassifier.of(model, OnnxExport.Weights.FP32)) {
            assertThat(((SetFitClassifier) model.block()).pooling())
                    .isEqualTo(new SentencePooling(SentencePooling.Mode.MAX, true));
            EncodedBatch batch = EncodedBatch.of(model.textEncoder().tokens(TEXTS, 32), model.textEncoder().padId());
            float[][] logits = model.logits(batch);
            float[][] fromOnnx = onnx.logits(batch);
            for (int b = 0; b < TEXTS.size(); b++) {
                assertThat(fromOnnx[b]).containsExactly(logits[b], within(1e-4f));
            }
        }
    }
}
