package dev.attune.modeling.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.attune.modeling.Attention;
import dev.attune.modeling.Embedding;
import dev.attune.modeling.HfBlock;
import dev.attune.modeling.LayerNorm;
import dev.attune.modeling.ModelConfig;

/** BertEmbeddings (RoBERTa's too): word + position + token type, then LayerNorm and dropout. */
public final class BertEmbeddings extends HfBlock {

    private final Embedding wordEmbeddings;
    private final Embedding positionEmbeddings;
    private final Embedding tokenTypeEmbeddings;
    private final LayerNorm layerNorm;
    private final double dropout;

    public BertEmbeddings(ModelConfig config) {
        wordEmbeddings = child("word_embeddings", new Embedding(config.vocabSize(), config.hiddenSize()));
        positionEmbeddings = child("position_embeddings", new Embedding(config.maxPositions(), config.hiddenSize()));
        tokenTypeEmbeddings = child("token_type_embeddings", new Embedding(config.typeVocabSize(), config.hiddenSize()));
        layerNorm = child("LayerNorm", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
        dropout = config.hiddenDropout();
    }

    /** ids, tokenTypes and positions are (B, T) int64; returns (B, T, H). */
    public NDArray apply(ParameterStore store, NDArray ids, NDArray tokenTypes, NDArray positions, boolean training) {
        NDArray sum = wordEmbeddings.apply(store, ids, training)
                .add(tokenTypeEmbeddings.apply(store, tokenTypes, training))
                .add(positionEmbeddings.apply(store, positions, training)); // (B, T, H)
        return Attention.dropout(layerNorm.apply(store, sum, training), dropout, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), inputs.get(2), training));
    }
}
