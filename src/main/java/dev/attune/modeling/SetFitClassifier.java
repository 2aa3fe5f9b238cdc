package dev.attune.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

/**
 * A SetFit model: an architecture's encoder, its sentence pooling ({@link SentencePooling}) and a linear head over the
 * pooled embedding, {@code classifier} (C, H) with its bias: a multinomial logistic regression, so softmax(logits) is
 * its predict_proba (multi-label: one binary logistic regression per row, each label's probability its sigmoid). The encoder is the architecture's own block (its parameters keep transformers' names,
 * "bert.encoder..."); the architecture's classification head is not part of it. BERT's pooler stays (unused by the
 * head) so the saved encoder is a complete {@code BertModel}.
 */
public final class SetFitClassifier extends SequenceClassifier {

    private final SequenceClassifier architecture;
    private final SentencePooling pooling;
    private final Linear classifier;

    /**
     * @param architecture the architecture's sequence classifier for this config: only its encoder child is kept
     */
    SetFitClassifier(ModelConfig config, SequenceClassifier architecture, SentencePooling pooling) {
        super(config);
        this.architecture = architecture;
        this.pooling = pooling;
        Block encoder = null;
        for (Pair<String, Block> child : architecture.getChildren()) {
            if (ParameterNames.hfName(child.getKey()).equals(architecture.basePrefix())) {
                encoder = child.getValue();
            }
        }
        if (!(encoder instanceof HfBlock block)) {
            throw new IllegalStateException(architecture.getClass().getSimpleName() + " has no encoder child '"
                    + architecture.basePrefix() + "'");
        }
        child(architecture.basePrefix(), block);
        classifier = child("classifier", new Linear(config.hiddenSize(), config.numLabels()));
    }

    public SentencePooling pooling() {
        return pooling;
    }

    @Override
    public String basePrefix() {
        return architecture.basePrefix();
    }

    /** The head, and BERT's pooler (a complete BertModel has one): initialised fresh when a checkpoint lacks them. */
    @Override
    public boolean isHeadParameter(String hfName) {
        return hfName.startsWith("classifier.") || architecture.isHeadParameter(hfName);
    }

    @Override
    public int maxTokens() {
        return architecture.maxTokens();
    }

    @Override
    public NDArray encode(ParameterStore store, NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds,
            boolean training) {
        return architecture.encode(store, inputIds, attentionMask, tokenTypeIds, training);
    }

    /** The sentence embeddings (B, H) of a batch (input_ids, attention_mask, token_type_ids). */
    public NDArray embed(ParameterStore store, NDList inputs, boolean training) {
        NDArray hidden = encode(store, inputs.get(0), inputs.get(1), inputs.size() > 2 ? inputs.get(2) : null,
                training); // (B, T, H)
        return pooling.apply(hidden, inputs.get(1)); // (B, H)
    }

    /** The head's logits over pooled embeddings (B, H) → (B, C). */
    public NDArray head(ParameterStore store, NDArray embeddings, boolean training) {
        return classifier.apply(store, embeddings, training);
    }

    /** Sets the head: weight (C × H, row-major) and bias (C), e.g. a fitted logistic regression's. */
    public void useHead(java.nio.FloatBuffer weight, java.nio.FloatBuffer bias) {
        ParameterNames.Slot w = ParameterNames.of(classifier).get("weight");
        ParameterNames.Slot b = ParameterNames.of(classifier).get("bias");
        w.parameter().getArray().set(weight);
        b.parameter().getArray().set(bias);
    }

    /** Token states without a mask: every token counts as real (the head strategy's cached features are one token). */
    @Override
    public NDArray classify(ParameterStore store, NDArray lastHiddenState, boolean training) {
        NDArray mask = lastHiddenState.getManager().ones(lastHiddenState.getShape().slice(0, 2),
                ai.djl.ndarray.types.DataType.INT64);
        return head(store, pooling.apply(lastHiddenState, mask), training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray hidden = encode(store, inputs.get(0), inputs.get(1), inputs.size() > 2 ? inputs.get(2) : null,
                training); // (B, T, H)
        return new NDList(head(store, pooling.apply(hidden, inputs.get(1)), training), hidden); // (B, C), (B, T, H)
    }
}
