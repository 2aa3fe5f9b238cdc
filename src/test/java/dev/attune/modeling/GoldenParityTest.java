package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.attune.support.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** Our DJL encoders against transformers' own numbers (../shared/golden, copied to test resources). */
class GoldenParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny-bert", "tiny-distilbert", "tiny-roberta"})
    void tokenIdsEqualTransformers(String name) {
        JsonNode golden = Golden.json(name);
        try (ClassifierModel model = ClassifierModel.load(Golden.dir(name), Device.cpu())) {
            EncodedBatch batch = model.textEncoder().encode(Golden.strings(golden.get("texts")), 64);
            assertThat(batch.inputIds()).containsExactly(Golden.flatLongs(golden.get("input_ids")));
            assertThat(batch.attentionMask()).containsExactly(Golden.flatLongs(golden.get("attention_mask")));
        }
    }

    /** Every tiny model with each attention implementation: eager (the reference) and sdpa (the default). */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> modelsAndAttention() {
        return java.util.stream.Stream.of("tiny-bert", "tiny-distilbert", "tiny-roberta").flatMap(name -> java.util.Arrays
                .stream(AttentionImplementation.values()).map(a -> org.junit.jupiter.params.provider.Arguments.of(name, a)));
    }

    @ParameterizedTest
    @MethodSource("modelsAndAttention")
    void hiddenStatesLogitsAndLossEqualTransformers(String name, AttentionImplementation attention) {
        JsonNode golden = Golden.json(name);
        try (ClassifierModel model = ClassifierModel.load(Golden.dir(name), Device.cpu(), attention);
                NDManager scope = model.manager().newSubManager()) {
            NDList outputs = model.forward(inputs(model, golden, scope), false);

            assertThat(Golden.maxAbsDiff(outputs.get(1).toFloatArray(), Golden.flatFloats(golden.get("last_hidden_state"))))
                    .isLessThan(1e-4f);
            assertThat(Golden.maxAbsDiff(outputs.get(0).toFloatArray(), Golden.flatFloats(golden.get("logits"))))
                    .isLessThan(1e-4f);
            float loss = crossEntropy(outputs.get(0), golden.get("labels"), scope).getFloat();
            assertThat(loss).isCloseTo(golden.get("loss").floatValue(), within(1e-5f));
        }
    }

    @ParameterizedTest
    @MethodSource("modelsAndAttention")
    void everyGradientNormEqualsTransformers(String name, AttentionImplementation attention) {
        JsonNode golden = Golden.json(name);
        JsonNode expected = golden.get("grad_norms");
        try (ClassifierModel model = ClassifierModel.load(Golden.dir(name), Device.cpu(), attention);
                NDManager scope = model.manager().newSubManager()) {
            Map<String, NDArray> parameters = model.parameters();
            parameters.values().forEach(array -> array.setRequiresGradient(true));
            assertThat(parameters.keySet()).containsExactlyInAnyOrderElementsOf(iterable(expected));

            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                // eval mode, as the golden run: dropout off, gradients still recorded
                NDList outputs = model.forward(inputs(model, golden, scope), false);
                collector.backward(crossEntropy(outputs.get(0), golden.get("labels"), scope));
            }
            for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
                float norm = entry.getValue().getGradient().norm().getFloat();
                float reference = expected.get(entry.getKey()).floatValue();
                assertThat(norm).as(entry.getKey()).isCloseTo(reference, within(Math.max(1e-3f * reference, 1e-7f)));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void bf16CheckpointReproducesTheF32OneWithinBf16Rounding() {
        JsonNode golden = Golden.json("tiny-distilbert");
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-distilbert-bf16"), Device.cpu());
                NDManager scope = model.manager().newSubManager()) {
            NDList outputs = model.forward(inputs(model, golden, scope), false);
            assertThat(Golden.maxAbsDiff(outputs.get(0).toFloatArray(), Golden.flatFloats(golden.get("logits"))))
                    .isLessThan(1e-2f);
            assertThat(Golden.maxAbsDiff(outputs.get(1).toFloatArray(), Golden.flatFloats(golden.get("last_hidden_state"))))
                    .isLessThan(5e-2f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-bert-sst2", "tiny-distilbert-sst2", "tiny-roberta-sst2"})
    void fineTunedClassifiersReproduceTransformersProbabilities(String name) {
        JsonNode golden = Golden.json(name);
        try (ClassifierModel model = ClassifierModel.load(Golden.dir(name), Device.cpu())) {
            List<String> texts = Golden.strings(golden.get("texts"));
            float[][] probabilities = model.outputs(texts, golden.get("max_length").intValue());
            float[] flat = new float[probabilities.length * probabilities[0].length];
            for (int i = 0; i < probabilities.length; i++) {
                System.arraycopy(probabilities[i], 0, flat, i * probabilities[i].length, probabilities[i].length);
            }
            assertThat(Golden.maxAbsDiff(flat, Golden.flatFloats(golden.get("probabilities")))).isLessThan(1e-4f);
            List<String> labels = Golden.strings(golden.get("labels"));
            for (int i = 0; i < texts.size(); i++) {
                assertThat(model.config().labels().get(argmax(probabilities[i]))).isEqualTo(labels.get(i));
            }
        }
    }

    private static NDList inputs(ClassifierModel model, JsonNode golden, NDManager scope) {
        return model.textEncoder().encode(Golden.strings(golden.get("texts")), 64).toNDList(scope);
    }

    /** Mean cross-entropy, as torch.nn.CrossEntropyLoss. */
    static NDArray crossEntropy(NDArray logits, JsonNode labels, NDManager scope) {
        long[] ids = Golden.flatLongs(labels);
        NDArray oneHot = scope.create(ids).oneHot((int) logits.getShape().get(1));
        return logits.logSoftmax(-1).mul(oneHot).sum(new int[] {1}).mean().neg();
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

    private static Iterable<String> iterable(JsonNode object) {
        return object.propertyNames();
    }
}
