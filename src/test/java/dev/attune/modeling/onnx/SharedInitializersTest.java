package dev.attune.modeling.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import ai.djl.Device;
import dev.attune.modeling.ClassifierModel;
import dev.attune.support.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sessions that read shared weights from one pool answer exactly as sessions with weights of their own, on the
 * golden classifiers; a model whose weight differs under a shared name keeps its own; closing one session leaves the
 * others whole.
 */
class SharedInitializersTest {

    private static final List<String> TEXTS = List.of("a gorgeous , witty , seductive movie", "a dull mess", "fine");

    @ParameterizedTest
    @EnumSource(OnnxExport.Weights.class)
    void pooledSessionsAnswerAsTheirOwnWeightsDo(OnnxExport.Weights kind) {
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu());
                // the same encoder under a fresh three-label head: the head's weights differ under the same names
                ClassifierModel other = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu(),
                        List.of("a", "b", "c"));
                SharedInitializers pool = new SharedInitializers();
                OnnxClassifier alone = OnnxClassifier.of(model, kind);
                OnnxClassifier otherAlone = OnnxClassifier.of(other, kind)) {
            float[][] expected = alone.outputs(TEXTS, 32);
            float[][] otherExpected = otherAlone.outputs(TEXTS, 32);

            OnnxClassifier first = OnnxClassifier.of(model, kind, pool, name -> false, null);
            long pooled = pool.bytes();
            long handed = pool.handedOut();
            assertThat(pooled).isPositive();
            try (OnnxClassifier second = OnnxClassifier.of(other, kind, pool, name -> false, null)) {
                assertThat(pool.bytes()).as("the other head is not pooled over the first").isEqualTo(pooled);
                // the second read the pooled weights, bar what its fresh head changed (new bytes under a pooled name)
                assertThat(pool.handedOut() - handed).as("pooled weights the second session read")
                        .isGreaterThan(handed / 2).isLessThanOrEqualTo(handed);
                assertThat(first.outputs(TEXTS, 32)).isDeepEqualTo(expected);
                assertThat(second.outputs(TEXTS, 32)).isDeepEqualTo(otherExpected);
                first.close();
                first.close(); // once only
                assertThat(second.outputs(TEXTS, 32)).isDeepEqualTo(otherExpected);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(OnnxExport.Weights.class)
    void aSessionsOwnWeightsAreNeverPooled(OnnxExport.Weights kind) {
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu());
                SharedInitializers all = new SharedInitializers();
                SharedInitializers some = new SharedInitializers()) {
            OnnxClassifier.of(model, kind, all, name -> false, null).close();
            OnnxClassifier.of(model, kind, some, name -> name.contains("word_embeddings"), null).close();
            assertThat(some.bytes()).isPositive().isLessThan(all.bytes());
            assertThat(some.handedOut()).isLessThan(all.handedOut());
        }
    }

    @ParameterizedTest
    @EnumSource(OnnxExport.Weights.class)
    void aClosedPoolOpensNoSession(OnnxExport.Weights kind) {
        SharedInitializers pool = new SharedInitializers();
        pool.close();
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu())) {
            assertThatThrownBy(() -> OnnxClassifier.of(model, kind, pool, name -> false, null))
                    .hasMessageContaining("closed");
        }
    }
}
