package dev.attune.modeling.distilbert;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import dev.attune.modeling.Attention;
import dev.attune.modeling.Linear;
import dev.attune.modeling.ModelConfig;
import dev.attune.modeling.SequenceClassifier;

/** DistilBertForSequenceClassification: distilbert, then pre_classifier + ReLU + dropout + classifier on [CLS]. */
public final class DistilBertForSequenceClassification extends SequenceClassifier {

    private final DistilBertModel distilbert;
    private final Linear preClassifier;
    private final Linear classifier;

    public DistilBertForSequenceClassification(ModelConfig config) {
        super(config);
        distilbert = child("distilbert", new DistilBertModel(config));
        preClassifier = child("pre_classifier", new Linear(config.hiddenSize(), config.hiddenSize()));
        classifier = child("classifier", new Linear(config.hiddenSize(), config.numLabels()));
    }

    @Override
    public String basePrefix() {
        return "distilbert";
    }

    @Override
    public boolean isHeadParameter(String hfName) {
        return hfName.startsWith("pre_classifier.") || hfName.startsWith("classifier.");
    }

    @Override
    public int maxTokens() {
        return config.maxTokens();
    }

    @Override
    public NDArray encode(ParameterStore store, NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds,
            boolean training) {
        return distilbert.apply(store, inputIds, attentionMask, training);
    }

    @Override
    public NDArray classify(ParameterStore store, NDArray lastHiddenState, boolean training) {
        NDArray first = lastHiddenState.get(":, 0, :"); // (B, H)
        NDArray pooled = Activation.relu(preClassifier.apply(store, first, training));
        return classifier.apply(store, Attention.dropout(pooled, config.classifierDropout(), training), training);
    }
}
