package dev.attune.modeling.distilbert;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.attune.modeling.Attention;
import dev.attune.modeling.HfBlock;
import dev.attune.modeling.HfList;
import dev.attune.modeling.ModelConfig;

/** DistilBertModel: embeddings and transformer.layer.{i}. */
final class DistilBertModel extends HfBlock {

    private final DistilBertEmbeddings embeddings;
    private final Transformer transformer;

    DistilBertModel(ModelConfig config) {
        embeddings = child("embeddings", new DistilBertEmbeddings(config));
        transformer = child("transformer", new Transformer(config));
    }

    NDArray apply(ParameterStore store, NDArray inputIds, NDArray attentionMask, boolean training) {
        NDArray hidden = embeddings.apply(store, inputIds, training); // (B, T, H)
        NDArray maskBias = Attention.maskBias(attentionMask);
        for (TransformerBlock block : transformer.layer.items()) {
            hidden = block.apply(store, hidden, maskBias, training);
        }
        return hidden;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
    }

    /** Transformer: holds "layer" only. */
    static final class Transformer extends HfBlock {

        private final HfList<TransformerBlock> layer;

        Transformer(ModelConfig config) {
            List<TransformerBlock> blocks = new ArrayList<>();
            for (int i = 0; i < config.numLayers(); i++) {
                blocks.add(new TransformerBlock(config));
            }
            layer = child("layer", new HfList<>(blocks));
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            throw new UnsupportedOperationException("DistilBertModel iterates the layers");
        }
    }
}
