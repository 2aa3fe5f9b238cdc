package dev.attune.modeling.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.attune.modeling.HfBlock;
import dev.attune.modeling.Linear;
import dev.attune.modeling.ModelConfig;

/** BertLayer: attention (self + output), intermediate (dense + GELU), output. */
public final class BertLayer extends HfBlock {

    private final Attention attention;
    private final Intermediate intermediate;
    private final DenseAddNorm output;

    BertLayer(ModelConfig config) {
        attention = child("attention", new Attention(config));
        intermediate = child("intermediate", new Intermediate(config));
        output = child("output", new DenseAddNorm(config, config.intermediateSize()));
    }

    NDArray apply(ParameterStore store, NDArray hidden, NDArray maskBias, boolean training) {
        NDArray attended = attention.apply(store, hidden, maskBias, training); // (B, T, H)
        return output.apply(store, intermediate.apply(store, attended, training), attended, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
    }

    /** BertAttention: "self" then "output". */
    static final class Attention extends HfBlock {

        private final BertSelfAttention self;
        private final DenseAddNorm output;

        Attention(ModelConfig config) {
            self = child("self", new BertSelfAttention(config));
            output = child("output", new DenseAddNorm(config, config.hiddenSize()));
        }

        NDArray apply(ParameterStore store, NDArray hidden, NDArray maskBias, boolean training) {
            return output.apply(store, self.apply(store, hidden, maskBias, training), hidden, training);
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
        }
    }

    /** BertIntermediate: dense to intermediate_size, then the activation (exact erf GELU). */
    static final class Intermediate extends HfBlock {

        private final Linear dense;
        private final boolean relu;

        Intermediate(ModelConfig config) {
            dense = child("dense", new Linear(config.hiddenSize(), config.intermediateSize()));
            relu = "relu".equals(config.activation());
        }

        NDArray apply(ParameterStore store, NDArray x, boolean training) {
            NDArray projected = dense.apply(store, x, training); // (B, T, I)
            return relu ? Activation.relu(projected) : Activation.gelu(projected);
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return new NDList(apply(store, inputs.singletonOrThrow(), training));
        }
    }
}
