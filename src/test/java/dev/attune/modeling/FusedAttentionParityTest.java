package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.attune.support.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The fused attention (sdpa) against the eager reference on the golden tiny models: hidden states,
 * logits, loss and every parameter's gradient norm agree within 1e-5, and a training-mode forward
 * (dropout on) through the fused kernel records a graph whose gradients reach every parameter and equals the
 * eager one drawing the same masks; bf16 products stay within bf16 rounding of fp32.
 */
class FusedAttentionParityTest {

    private record Pass(float[] hidden, float[] logits, float loss, Map<String, Float> gradientNorms) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-bert", "tiny-distilbert", "tiny-roberta"})
    void sdpaEqualsEagerInOutputsLossAndEveryGradient(String name) {
        Pass eager = pass(name, AttentionImplementation.EAGER, false);
        Pass sdpa = pass(name, AttentionImplementation.SDPA, false);
        assertThat(Golden.maxAbsDiff(sdpa.hidden(), eager.hidden())).isLessThan(1e-5f);
        assertThat(Golden.maxAbsDiff(sdpa.logits(), eager.logits())).isLessThan(1e-5f);
        assertThat(sdpa.loss()).isCloseTo(eager.loss(), within(1e-5f));
        assertThat(sdpa.gradientNorms().keySet()).isEqualTo(eager.gradientNorms().keySet());
        eager.gradientNorms().forEach((parameter, norm) -> assertThat(sdpa.gradientNorms().get(parameter)).as(parameter)
                .isCloseTo(norm, within(Math.max(1e-5f, 1e-5f * norm))));
    }

    /**
     * bf16 products against fp32 (both with sdpa): bfloat16 keeps 8 bits of mantissa, so outputs and
     * gradients agree to about 1% of their scale, not to the last digit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-bert", "tiny-distilbert", "tiny-roberta"})
    void bf16ProductsStayWithinBf16RoundingOfFp32(String name) {
        Pass fp32 = pass(name, AttentionImplementation.SDPA, false);
        Pass bf16 = pass(name, AttentionImplementation.SDPA, false, Precision.BF16);
        assertThat(Golden.maxAbsDiff(bf16.logits(), fp32.logits())).as("the bf16 path ran").isGreaterThan(0f);
        float hiddenScale = max(fp32.hidden());
        assertThat(Golden.maxAbsDiff(bf16.hidden(), fp32.hidden())).isLessThan(0.02f * hiddenScale);
        assertThat(Golden.maxAbsDiff(bf16.logits(), fp32.logits())).isLessThan(0.02f * Math.max(1f, max(fp32.logits())));
        assertThat(bf16.loss()).isCloseTo(fp32.loss(), within(0.01f * fp32.loss()));
        fp32.gradientNorms().forEach((parameter, norm) -> assertThat(bf16.gradientNorms().get(parameter)).as(parameter)
                .isCloseTo(norm, within(0.05f * norm + 1e-6f)));
    }

    /**
     * fp16 products against fp32: float16 keeps 11 bits of mantissa (finer than bf16's 8) in a narrow range,
     * which these activations stay well inside: outputs within 0.5% and gradients within 1% of their scale.
     * The gradients need the loss scaled (here by 1,024, undone after): unscaled, the smallest ones (attention
     * keys, ~1e-5) fall into float16's subnormals and lose 15% — what training's dynamic loss scale prevents.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-bert", "tiny-distilbert", "tiny-roberta"})
    void fp16ProductsStayWithinFp16RoundingOfFp32(String name) {
        Pass fp32 = pass(name, AttentionImplementation.SDPA, false);
        Pass fp16 = pass(name, AttentionImplementation.SDPA, false, Precision.FP16, 1024f);
        assertThat(Golden.maxAbsDiff(fp16.logits(), fp32.logits())).as("the fp16 path ran").isGreaterThan(0f);
        assertThat(Golden.maxAbsDiff(fp16.hidden(), fp32.hidden())).isLessThan(0.005f * max(fp32.hidden()));
        assertThat(Golden.maxAbsDiff(fp16.logits(), fp32.logits())).isLessThan(0.005f * Math.max(1f, max(fp32.logits())));
        assertThat(fp16.loss()).isCloseTo(fp32.loss(), within(0.005f * fp32.loss()));
        fp32.gradientNorms().forEach((parameter, norm) -> assertThat(fp16.gradientNorms().get(parameter)).as(parameter)
                .isCloseTo(norm, within(0.01f * norm + 1e-6f)));
    }

    private static float max(float[] values) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-bert", "tiny-distilbert"})
    void trainingThroughTheFusedKernelReachesEveryParameter(String name) {
        Pass sdpa = pass(name, AttentionImplementation.SDPA, true);
        assertThat(sdpa.gradientNorms().values()).allSatisfy(norm -> assertThat(norm).isFinite().isGreaterThan(0f));
    }

    /**
     * Training mode, dropout on: on a CPU both paths draw each mask in Java from one draw of libtorch's generator
     * (DropoutMasks), in the same order, so with the same seed they drop the same elements and agree as closely as
     * without dropout.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-bert", "tiny-distilbert", "tiny-roberta"})
    void sdpaEqualsEagerInTrainingWithTheSameDropoutMasks(String name) {
        Pass eager = pass(name, AttentionImplementation.EAGER, true);
        Pass sdpa = pass(name, AttentionImplementation.SDPA, true);
        Pass evaluation = pass(name, AttentionImplementation.SDPA, false);
        assertThat(Golden.maxAbsDiff(sdpa.logits(), evaluation.logits())).as("dropout changed the outputs")
                .isGreaterThan(1e-3f);
        assertThat(Golden.maxAbsDiff(sdpa.hidden(), eager.hidden())).isLessThan(1e-5f);
        assertThat(Golden.maxAbsDiff(sdpa.logits(), eager.logits())).isLessThan(1e-5f);
        assertThat(sdpa.loss()).isCloseTo(eager.loss(), within(1e-5f));
        eager.gradientNorms().forEach((parameter, norm) -> assertThat(sdpa.gradientNorms().get(parameter)).as(parameter)
                .isCloseTo(norm, within(Math.max(1e-5f, 1e-5f * norm))));
    }

    /**
     * attentionDropout 0: training goes through libtorch's fused kernel (no mask drawn) and equals the eager path
     * told the same; both still drop hidden states, with the same masks.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-bert", "tiny-distilbert"})
    void withoutAttentionDropoutTrainingEqualsEagerToldTheSame(String name) {
        Pass eager = pass(name, AttentionImplementation.EAGER, true, Precision.FP32, 1f, 0.0);
        Pass sdpa = pass(name, AttentionImplementation.SDPA, true, Precision.FP32, 1f, 0.0);
        Pass withAttentionDropout = pass(name, AttentionImplementation.SDPA, true);
        assertThat(Golden.maxAbsDiff(sdpa.logits(), withAttentionDropout.logits())).isGreaterThan(1e-4f);
        assertThat(Golden.maxAbsDiff(sdpa.logits(), eager.logits())).isLessThan(1e-5f);
        assertThat(sdpa.loss()).isCloseTo(eager.loss(), within(1e-5f));
        eager.gradientNorms().forEach((parameter, norm) -> assertThat(sdpa.gradientNorms().get(parameter)).as(parameter)
                .isCloseTo(norm, within(Math.max(1e-5f, 1e-5f * norm))));
    }

    @org.junit.jupiter.api.Test
    void theKernelsOutputBelongsToTheCallersScopeSoClosingTheBatchFreesIt() {
        try (NDManager model = NDManager.newBaseManager(Device.cpu())) {
            NDArray output;
            try (NDManager batch = model.newSubManager()) {
                NDArray q = batch.randomNormal(new ai.djl.ndarray.types.Shape(2, 5, 8));
                NDArray mask = batch.zeros(new ai.djl.ndarray.types.Shape(2, 1, 1, 5));
                output = Attention.attend(q, q, q, mask, 2, 0f, false, AttentionImplementation.SDPA);
                assertThat(output.getManager()).isSameAs(batch);
                assertThat(output.getShape()).isEqualTo(new ai.djl.ndarray.types.Shape(2, 5, 8));
            }
            assertThat(output.isReleased()).isTrue();
        }
    }

    private static Pass pass(String name, AttentionImplementation attention, boolean training) {
        return pass(name, attention, training, Precision.FP32);
    }

    private static Pass pass(String name, AttentionImplementation attention, boolean training, Precision precision) {
        return pass(name, attention, training, precision, 1f);
    }

    private static Pass pass(String name, AttentionImplementation attention, boolean training, Precision precision,
            float lossScale) {
        return pass(name, attention, training, precision, lossScale, null);
    }

    /** @param attentionDropout null: the config's */
    private static Pass pass(String name, AttentionImplementation attention, boolean training, Precision precision,
            float lossScale, Double attentionDropout) {
        JsonNode golden = Golden.json(name);
        try (ClassifierModel model = ClassifierModel.load(Golden.dir(name), Device.cpu(), attention);
                NDManager scope = model.manager().newSubManager()) {
            model.usePrecision(precision);
            if (attentionDropout != null) {
                model.useAttentionDropout(attentionDropout);
            }
            Map<String, NDArray> parameters = model.parameters();
            parameters.values().forEach(array -> array.setRequiresGradient(true));
            Engine.getInstance().setRandomSeed(7);
            NDList outputs;
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                outputs = model.forward(model.textEncoder().encode(Golden.strings(golden.get("texts")), 64).toNDList(scope),
                        training);
                loss = GoldenParityTest.crossEntropy(outputs.get(0), golden.get("labels"), scope);
                collector.backward(lossScale == 1f ? loss : loss.mul(Scalars.of(loss, lossScale)));
            }
            Map<String, Float> norms = new LinkedHashMap<>();
            parameters.forEach((parameter, array) -> norms.put(parameter, array.getGradient().norm().getFloat() / lossScale));
            return new Pass(outputs.get(1).toFloatArray(), outputs.get(0).toFloatArray(), loss.getFloat(), norms);
        }
    }
}
