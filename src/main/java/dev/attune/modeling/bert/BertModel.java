package dev.attune.modeling.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.attune.modeling.Attention;
import dev.attune.modeling.HfBlock;
import dev.attune.modeling.Linear;
import dev.attune.modeling.ModelConfig;

/** BertModel: embeddings, encoder and (optionally) the pooler. RoBERTa uses it with its own position ids. */
public class BertModel extends HfBlock {

    private final BertEmbeddings embeddings;
    private final BertEncoder encoder;
    private final Pooler pooler;

    public BertModel(ModelConfig config, boolean withPooler) {
        embeddings = child("embeddings", new BertEmbeddings(config));
        encoder = child("encoder", new BertEncoder(config));
        pooler = withPooler ? child("pooler", new Pooler(config)) : null;
    }

    /** Position ids (B, T): 0..T-1 for BERT; RoBERTa overrides this. */
    protected NDArray positionIds(NDArray inputIds) {
        long tokens = inputIds.getShape().get(1);
        return inputIds.getManager().arange(0, tokens, 1, DataType.INT64).expandDims(0)
                .broadcast(inputIds.getShape()); // (B, T)
    }

    /** Last hidden state (B, T, H). */
    public NDArray apply(ParameterStore store, NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds,
            boolean training) {
        NDArray types = tokenTypeIds != null ? tokenTypeIds : inputIds.zerosLike();
        NDArray hidden = embeddings.apply(store, inputIds, types, positionIds(inputIds), training);
        return encoder.apply(store, hidden, Attention.maskBias(attentionMask), training);
    }

    /** The pooler's output: tanh(dense(first token)), (B, H). */
    public NDArray pool(ParameterStore store, NDArray lastHiddenState, boolean training) {
        return pooler.apply(store, lastHiddenState, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), inputs.size() > 2 ? inputs.get(2) : null, training));
    }

    /** BertPooler: dense + tanh on the first ([CLS]) token. */
    static final class Pooler extends HfBlock {

        private final Linear dense;

        Pooler(ModelConfig config) {
            dense = child("dense", new Linear(config.hiddenSize(), config.hiddenSize()));
        }

        NDArray apply(ParameterStore store, NDArray hidden, boolean training) {
            NDArray first = hidden.get(":, 0, :"); // (B, H)
            return dense.apply(store, first, training).tanh();
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return new NDList(apply(store, inputs.singletonOrThrow(), training));
        }
    }
}
