package dev.attune.modeling.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.attune.modeling.Attention;
import dev.attune.modeling.HfBlock;
import dev.attune.modeling.LayerNorm;
import dev.attune.modeling.Linear;
import dev.attune.modeling.ModelConfig;

/** BertSelfOutput and BertOutput (same shape): LayerNorm(dropout(dense(x)) + residual). */
final class DenseAddNorm extends HfBlock {

    private final Linear dense;
    private final LayerNorm layerNorm;
    private final double dropout;

    DenseAddNorm(ModelConfig config, int in) {
        dense = child("dense", new Linear(in, config.hiddenSize()));
        layerNorm = child("LayerNorm", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
        dropout = config.hiddenDropout();
    }

    NDArray apply(ParameterStore store, NDArray x, NDArray residual, boolean training) {
        NDArray projected = Attention.dropout(dense.apply(store, x, training), dropout, training); // (B, T, H)
        return layerNorm.apply(store, projected.add(residual), training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
    }
}
