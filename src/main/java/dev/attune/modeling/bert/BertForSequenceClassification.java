package dev.attune.modeling.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import dev.attune.modeling.Attention;
import dev.attune.modeling.Linear;
import dev.attune.modeling.ModelConfig;
import dev.attune.modeling.SequenceClassifier;

/** BertForSequenceClassification (MiniLM too): bert (with pooler), dropout, classifier. */
public final class BertForSequenceClassification extends SequenceClassifier {

    private final BertModel bert;
    private final Linear classifier;

    public BertForSequenceClassification(ModelConfig config) {
        super(config);
        bert = child("bert", new BertModel(config, true));
        classifier = child("classifier", new Linear(config.hiddenSize(), config.numLabels()));
    }

    @Override
    public String basePrefix() {
        return "bert";
    }

    @Override
    public boolean isHeadParameter(String hfName) {
        return hfName.startsWith("classifier.") || hfName.startsWith("bert.pooler.");
    }

    @Override
    public int maxTokens() {
        return config.maxTokens();
    }

    @Override
    public NDArray encode(ParameterStore store, NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds,
            boolean training) {
        return bert.apply(store, inputIds, attentionMask, tokenTypeIds, training);
    }

    @Override
    public NDArray classify(ParameterStore store, NDArray lastHiddenState, boolean training) {
        NDArray pooled = Attention.dropout(bert.pool(store, lastHiddenState, training), config.classifierDropout(), training);
        return classifier.apply(store, pooled, training); // (B, C)
    }
}
