package dev.attune.modeling.distilbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.attune.modeling.Attention;
import dev.attune.modeling.AttentionImplementation;
import dev.attune.modeling.DropsAttention;
import dev.attune.modeling.HfBlock;
import dev.attune.modeling.LayerNorm;
import dev.attune.modeling.Linear;
import dev.attune.modeling.ModelConfig;

/** DistilBERT TransformerBlock: attention, sa_layer_norm, ffn, output_layer_norm (post-norm residuals). */
final class TransformerBlock extends HfBlock {

    private final MultiHeadSelfAttention attention;
    private final LayerNorm saLayerNorm;
    private final Ffn ffn;
    private final LayerNorm outputLayerNorm;

    TransformerBlock(ModelConfig config) {
        attention = child("attention", new MultiHeadSelfAttention(config));
        saLayerNorm = child("sa_layer_norm", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
        ffn = child("ffn", new Ffn(config));
        outputLayerNorm = child("output_layer_norm", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
    }

    NDArray apply(ParameterStore store, NDArray x, NDArray maskBias, boolean training) {
        NDArray sa = saLayerNorm.apply(store, attention.apply(store, x, maskBias, training).add(x), training); // (B, T, H)
        return outputLayerNorm.apply(store, ffn.apply(store, sa, training).add(sa), training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
    }

    /** MultiHeadSelfAttention: q_lin, k_lin, v_lin, out_lin. */
    static final class MultiHeadSelfAttention extends HfBlock implements DropsAttention {

        private final Linear qLin;
        private final Linear kLin;
        private final Linear vLin;
        private final Linear outLin;
        private final int heads;
        private volatile float dropout;
        private final AttentionImplementation implementation;

        MultiHeadSelfAttention(ModelConfig config) {
            int h = config.hiddenSize();
            qLin = child("q_lin", new Linear(h, h));
            kLin = child("k_lin", new Linear(h, h));
            vLin = child("v_lin", new Linear(h, h));
            outLin = child("out_lin", new Linear(h, h));
            heads = config.numHeads();
            dropout = (float) config.attentionDropout();
            implementation = config.attention();
        }

        @Override
        public void useAttentionDropout(float rate) {
            dropout = rate;
        }

        @Override
        public float attentionDropout() {
            return dropout;
        }

        NDArray apply(ParameterStore store, NDArray x, NDArray maskBias, boolean training) {
            NDArray context = Attention.attend(qLin.apply(store, x, training), kLin.apply(store, x, training),
                    vLin.apply(store, x, training), maskBias, heads, dropout, training, implementation); // (B, T, H)
            return outLin.apply(store, context, training);
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
        }
    }

    /** FFN: lin1, activation, lin2, dropout. */
    static final class Ffn extends HfBlock {

        private final Linear lin1;
        private final Linear lin2;
        private final boolean relu;
        private final double dropout;

        Ffn(ModelConfig config) {
            lin1 = child("lin1", new Linear(config.hiddenSize(), config.intermediateSize()));
            lin2 = child("lin2", new Linear(config.intermediateSize(), config.hiddenSize()));
            relu = "relu".equals(config.activation());
            dropout = config.hiddenDropout();
        }

        NDArray apply(ParameterStore store, NDArray x, boolean training) {
            NDArray h = lin1.apply(store, x, training); // (B, T, I)
            h = relu ? Activation.relu(h) : Activation.gelu(h);
            return Attention.dropout(lin2.apply(store, h, training), dropout, training); // (B, T, H)
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return new NDList(apply(store, inputs.singletonOrThrow(), training));
        }
    }
}
