package dev.attune.modeling.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.attune.modeling.Attention;
import dev.attune.modeling.AttentionImplementation;
import dev.attune.modeling.DropsAttention;
import dev.attune.modeling.HfBlock;
import dev.attune.modeling.Linear;
import dev.attune.modeling.ModelConfig;

/** BertSelfAttention: query, key, value projections and multi-head attention. */
final class BertSelfAttention extends HfBlock implements DropsAttention {

    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final int heads;
    private volatile float dropout;
    private final AttentionImplementation implementation;

    BertSelfAttention(ModelConfig config) {
        int h = config.hiddenSize();
        query = child("query", new Linear(h, h));
        key = child("key", new Linear(h, h));
        value = child("value", new Linear(h, h));
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

    NDArray apply(ParameterStore store, NDArray hidden, NDArray maskBias, boolean training) {
        return Attention.attend(query.apply(store, hidden, training), key.apply(store, hidden, training),
                value.apply(store, hidden, training), maskBias, heads, dropout, training, implementation); // (B, T, H)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
    }
}
