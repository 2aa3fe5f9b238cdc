package dev.attune.modeling.distilbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.attune.modeling.Attention;
import dev.attune.modeling.Embedding;
import dev.attune.modeling.HfBlock;
import dev.attune.modeling.LayerNorm;
import dev.attune.modeling.ModelConfig;

/** DistilBERT Embeddings: word + position (no token types), LayerNorm (eps 1e-12), dropout. */
final class DistilBertEmbeddings extends HfBlock {

    private final Embedding wordEmbeddings;
    private final Embedding positionEmbeddings;
    private final LayerNorm layerNorm;
    private final double dropout;

    DistilBertEmbeddings(ModelConfig config) {
        wordEmbeddings = child("word_embeddings", new Embedding(config.vocabSize(), config.hiddenSize()));
        positionEmbeddings = child("position_embeddings", new Embedding(config.maxPositions(), config.hiddenSize()));
        layerNorm = child("LayerNorm", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
        dropout = config.hiddenDropout();
    }

    NDArray apply(ParameterStore store, NDArray ids, boolean training) {
        NDArray positions = ids.getManager().arange(0, ids.getShape().get(1), 1, DataType.INT64)
                .expandDims(0).broadcast(ids.getShape()); // (B, T)
        NDArray sum = wordEmbeddings.apply(store, ids, training).add(positionEmbeddings.apply(store, positions, training));
        return Attention.dropout(layerNorm.apply(store, sum, training), dropout, training); // (B, T, H)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow(), training));
    }
}
