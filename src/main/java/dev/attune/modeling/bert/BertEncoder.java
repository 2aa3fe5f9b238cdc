package dev.attune.modeling.bert;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.attune.modeling.HfBlock;
import dev.attune.modeling.HfList;
import dev.attune.modeling.ModelConfig;

/** BertEncoder: the stack "layer.0" ... "layer.{n-1}". */
public final class BertEncoder extends HfBlock {

    private final HfList<BertLayer> layer;

    public BertEncoder(ModelConfig config) {
        List<BertLayer> layers = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(new BertLayer(config));
        }
        layer = child("layer", new HfList<>(layers));
    }

    public NDArray apply(ParameterStore store, NDArray hidden, NDArray maskBias, boolean training) {
        for (BertLayer block : layer.items()) {
            hidden = block.apply(store, hidden, maskBias, training); // (B, T, H)
        }
        return hidden;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
    }
}
