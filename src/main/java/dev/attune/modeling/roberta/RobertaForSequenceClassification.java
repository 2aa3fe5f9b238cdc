package dev.attune.modeling.roberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.attune.modeling.Attention;
import dev.attune.modeling.HfBlock;
import dev.attune.modeling.Linear;
import dev.attune.modeling.ModelConfig;
import dev.attune.modeling.SequenceClassifier;

/** RobertaForSequenceClassification (XLM-R, CamemBERT): roberta without pooler, then RobertaClassificationHead. */
public final class RobertaForSequenceClassification extends SequenceClassifier {

    private final RobertaModel roberta;
    private final ClassificationHead classifier;

    public RobertaForSequenceClassification(ModelConfig config) {
        super(config);
        roberta = child("roberta", new RobertaModel(config));
        classifier = child("classifier", new ClassificationHead(config));
    }

    @Override
    public String basePrefix() {
        return "roberta";
    }

    @Override
    public boolean isHeadParameter(String hfName) {
        return hfName.startsWith("classifier.");
    }

    /** Positions start after padding_idx, so two fewer tokens fit than there are position embeddings. */
    @Override
    public int maxTokens() {
        return config.maxTokens();
    }

    @Override
    public NDArray encode(ParameterStore store, NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds,
            boolean training) {
        return roberta.apply(store, inputIds, attentionMask, tokenTypeIds, training);
    }

    @Override
    public NDArray classify(ParameterStore store, NDArray lastHiddenState, boolean training) {
        return classifier.apply(store, lastHiddenState, training);
    }

    /** RobertaClassificationHead: dropout, dense, tanh, dropout, out_proj on the first (<s>) token. */
    static final class ClassificationHead extends HfBlock {

        private final Linear dense;
        private final Linear outProj;
        private final double dropout;

        ClassificationHead(ModelConfig config) {
            dense = child("dense", new Linear(config.hiddenSize(), config.hiddenSize()));
            outProj = child("out_proj", new Linear(config.hiddenSize(), config.numLabels()));
            dropout = config.classifierDropout();
        }

        NDArray apply(ParameterStore store, NDArray hidden, boolean training) {
            NDArray x = Attention.dropout(hidden.get(":, 0, :"), dropout, training); // (B, H)
            x = Attention.dropout(dense.apply(store, x, training).tanh(), dropout, training);
            return outProj.apply(store, x, training); // (B, C)
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return new NDList(apply(store, inputs.singletonOrThrow(), training));
        }
    }
}
