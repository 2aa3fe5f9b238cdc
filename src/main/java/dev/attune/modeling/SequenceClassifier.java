package dev.attune.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * An encoder with a sequence-classification head, mirroring transformers' {@code *ForSequenceClassification}.
 * Input (input_ids, attention_mask, token_type_ids), each (B, T) int64; output (logits (B, C), last_hidden_state (B, T, H)).
 */
public abstract class SequenceClassifier extends HfBlock {

    protected final ModelConfig config;

    protected SequenceClassifier(ModelConfig config) {
        this.config = config;
    }

    public ModelConfig config() {
        return config;
    }

    /** transformers' base_model_prefix: the child holding the encoder ("bert", "distilbert", "roberta"). */
    public abstract String basePrefix();

    /** Parameters a checkpoint may lack (head, pooler): these get transformers' fresh initialisation. */
    public abstract boolean isHeadParameter(String hfName);

    /** How many tokens one sequence may have: the position embeddings available. */
    public abstract int maxTokens();

    /** The encoder's output for a batch: (B, T, H). */
    public abstract NDArray encode(ParameterStore store, NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds,
            boolean training);

    /** The head's logits from the encoder's output: (B, T, H) → (B, C). */
    public abstract NDArray classify(ParameterStore store, NDArray lastHiddenState, boolean training);

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = encode(store, inputs.get(0), inputs.get(1), inputs.size() > 2 ? inputs.get(2) : null, training);
        return new NDList(classify(store, hidden, training), hidden);
    }
}
