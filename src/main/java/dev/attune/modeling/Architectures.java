package dev.attune.modeling;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.attune.modeling.bert.BertForSequenceClassification;
import dev.attune.modeling.distilbert.DistilBertConfigKeys;
import dev.attune.modeling.distilbert.DistilBertForSequenceClassification;
import dev.attune.modeling.roberta.RobertaForSequenceClassification;
import dev.attune.checkpoint.CheckpointException;

/** The model_type values attune can load, each with its *ForSequenceClassification block. */
public final class Architectures {

    private static final Map<String, Function<ModelConfig, SequenceClassifier>> BY_TYPE = Map.of(
            "bert", BertForSequenceClassification::new,
            "distilbert", DistilBertForSequenceClassification::new,
            "roberta", RobertaForSequenceClassification::new,
            "xlm-roberta", RobertaForSequenceClassification::new,
            "camembert", RobertaForSequenceClassification::new);


    public static final List<String> SUPPORTED = BY_TYPE.keySet().stream().sorted().toList();

    private Architectures() {
    }

    /** The config.json names of this model type's fields. */
    public static ConfigKeys configKeys(String modelType) {
        return "distilbert".equals(modelType) ? DistilBertConfigKeys.KEYS : ConfigKeys.BERT;
    }

    /** The config's block: its architecture's sequence classifier, or a SetFit model when config.json says so. */
    public static SequenceClassifier create(ModelConfig config) {
        check(config);
        SequenceClassifier architecture = BY_TYPE.get(config.modelType()).apply(config);
        SentencePooling setfit = SentencePooling.ofConfig(config.raw());
        return setfit == null ? architecture : new SetFitClassifier(config, architecture, setfit);
    }

    /** The encoder's class name in transformers (what a SetFit model's saved encoder is loaded as). */
    public static String encoderClassName(String modelType) {
        return className(modelType).replace("ForSequenceClassification", "Model");
    }

    /** Refuses a configuration no supported architecture can build, without building anything. */
    public static void check(ModelConfig config) {
        if (!BY_TYPE.containsKey(config.modelType())) {
            throw new CheckpointException("Unsupported model_type '" + config.modelType() + "'; supported: " + SUPPORTED);
        }
        if (!List.of("gelu", "relu").contains(config.activation())) {
            throw new CheckpointException("Unsupported activation '" + config.activation() + "'; supported: gelu, relu");
        }
        if (config.hiddenSize() % config.numHeads() != 0) {
            throw new CheckpointException("hidden size " + config.hiddenSize() + " is not a multiple of the "
                    + config.numHeads() + " attention heads");
        }
    }

    /**
     * The most tokens a sequence can have: the position table's size, less RoBERTa's offset (its positions
     * start after the padding id).
     */
    public static int maxTokens(ModelConfig config) {
        return config.maxTokens();
    }

    /** The HF class name written to config.json "architectures" on export. */
    public static String className(String modelType) {
        return switch (modelType) {
            case "bert" -> "BertForSequenceClassification";
            case "distilbert" -> "DistilBertForSequenceClassification";
            case "roberta" -> "RobertaForSequenceClassification";
            case "xlm-roberta" -> "XLMRobertaForSequenceClassification";
            case "camembert" -> "CamembertForSequenceClassification";
            default -> throw new CheckpointException("Unsupported model_type '" + modelType + "'");
        };
    }
}
