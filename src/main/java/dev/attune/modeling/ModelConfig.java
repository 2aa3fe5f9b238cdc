package dev.attune.modeling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.CheckpointException;

/**
 * The parts of a Hugging Face config.json the encoders need, under one set of names for every
 * architecture (each architecture's own names are its {@link ConfigKeys}). {@code raw} is kept
 * so an export writes back everything else unchanged.
 */
public record ModelConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        int maxPositions,
        int typeVocabSize,
        double layerNormEps,
        String activation,
        double hiddenDropout,
        double attentionDropout,
        double classifierDropout,
        double initializerRange,
        int padTokenId,
        List<String> labels,
        boolean hasLabels,
        ProblemType problemType,
        List<Double> thresholds,
        AttentionImplementation attention,
        ObjectNode raw) {

    /** Where attune keeps a multi-label model's decision thresholds (label → threshold) in config.json. */
    public static final String THRESHOLDS_KEY = "label_thresholds";

    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)layer\\.(\\d+)\\.");

    /**
     * A checkpoint's configuration, checked against the shapes in its weights' headers before anything
     * is built: a config.json that claims a million layers is refused at once, not after the heap fills.
     */
    public static ModelConfig of(CheckpointDir checkpoint) {
        ModelConfig config = parse(checkpoint.configJson());
        config.checkAgainst(checkpoint.tensorShapes());
        return config;
    }

    /** Refuses a configuration its weights contradict (layer count, embedding and feed-forward sizes, heads). */
    void checkAgainst(Map<String, long[]> shapes) {
        if (hiddenSize % numHeads != 0) {
            throw new CheckpointException("config.json: the hidden size " + hiddenSize + " is not a multiple of the "
                    + numHeads + " attention heads");
        }
        Set<Integer> layers = new TreeSet<>();
        for (String name : shapes.keySet()) {
            Matcher matcher = LAYER.matcher(name);
            if (matcher.find()) {
                layers.add(Integer.parseInt(matcher.group(1)));
            }
        }
        if (layers.size() != numLayers) {
            throw new CheckpointException("config.json says " + numLayers + " layers but the weights hold "
                    + layers.size());
        }
        expectShape(shapes, "word_embeddings.weight", vocabSize, hiddenSize);
        expectShape(shapes, "position_embeddings.weight", maxPositions, hiddenSize);
        expectShape(shapes, "layer.0.intermediate.dense.weight", intermediateSize, hiddenSize);
        expectShape(shapes, "layer.0.ffn.lin1.weight", intermediateSize, hiddenSize);
    }

    /** The tensor whose name ends with {@code suffix}, when there is one, must have exactly this shape. */
    private static void expectShape(Map<String, long[]> shapes, String suffix, long... expected) {
        shapes.forEach((name, shape) -> {
            if ((name.equals(suffix) || name.endsWith("." + suffix)) && !Arrays.equals(shape, expected)) {
                throw new CheckpointException("config.json implies " + suffix + " of shape " + Arrays.toString(expected)
                        + " but the weights have " + Arrays.toString(shape));
            }
        });
    }

    public static ModelConfig parse(JsonNode json) {
        if (!(json instanceof ObjectNode raw)) {
            throw new CheckpointException("config.json is not a JSON object");
        }
        String type = text(raw, "model_type", null);
        if (type == null) {
            throw new CheckpointException("config.json has no model_type; supported: " + Architectures.SUPPORTED);
        }
        ConfigKeys keys = Architectures.configKeys(type);
        double hiddenDropout = number(raw, keys.hiddenDropout(), 0.1);
        JsonNode id2label = raw.get("id2label");
        boolean hasLabels = id2label != null && id2label.isObject() && !id2label.isEmpty();
        List<String> labels = hasLabels ? labels(id2label) : defaultLabels((int) number(raw, "num_labels", 2));
        String problemTypeName = text(raw, "problem_type", null);
        ProblemType problemType = problemTypeName == null ? ProblemType.inferredFrom(labels.size())
                : ProblemType.parse(problemTypeName).orElseThrow(() -> new CheckpointException(
                        "config.json problem_type '" + problemTypeName + "' is not one of " + ProblemType.ids()));
        if (problemType == ProblemType.REGRESSION && labels.size() != 1) {
            throw new CheckpointException("config.json: a regression model has one output, but id2label/num_labels "
                    + "give " + labels.size());
        }
        return new ModelConfig(type,
                integer(raw, "vocab_size"),
                integer(raw, keys.hiddenSize()),
                integer(raw, keys.numLayers()),
                integer(raw, keys.numHeads()),
                integer(raw, keys.intermediateSize()),
                integer(raw, "max_position_embeddings"),
                keys.tokenTypes() ? (int) number(raw, "type_vocab_size", 2) : 0,
                keys.layerNormEps() == null ? 1e-12 : number(raw, keys.layerNormEps(), 1e-12),
                text(raw, keys.activation(), "gelu"),
                hiddenDropout,
                number(raw, keys.attentionDropout(), 0.1),
                number(raw, keys.classifierDropout(),
                        keys.classifierDropoutDefault() == null ? hiddenDropout : keys.classifierDropoutDefault()),
                number(raw, "initializer_range", 0.02),
                (int) number(raw, "pad_token_id", "roberta".equals(type) ? 1 : 0),
                labels,
                hasLabels,
                problemType,
                thresholds(raw.get(THRESHOLDS_KEY), labels),
                AttentionImplementation.SDPA,
                raw);
    }

    /** A copy of this configuration with new outputs (a new head for a fine-tuning data set); no thresholds yet. */
    public ModelConfig withLabels(List<String> newLabels, ProblemType newProblemType) {
        return new ModelConfig(modelType, vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions,
                typeVocabSize, layerNormEps, activation, hiddenDropout, attentionDropout, classifierDropout,
                initializerRange, padTokenId, List.copyOf(newLabels), true, newProblemType, null, attention, raw.deepCopy());
    }

    /** A copy of this configuration whose encoders compute attention this way (not written to config.json). */
    public ModelConfig withAttention(AttentionImplementation implementation) {
        return new ModelConfig(modelType, vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions,
                typeVocabSize, layerNormEps, activation, hiddenDropout, attentionDropout, classifierDropout,
                initializerRange, padTokenId, labels, hasLabels, problemType, thresholds, implementation, raw);
    }

    /** Per-label thresholds in label order, from {"label": threshold}; null when absent. */
    private static List<Double> thresholds(JsonNode node, List<String> labels) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new CheckpointException("config.json " + THRESHOLDS_KEY + " must map each label to a threshold");
        }
        List<Double> thresholds = new ArrayList<>();
        for (String label : labels) {
            JsonNode value = node.get(label);
            if (value == null || !value.isNumber() || value.asDouble() < 0 || value.asDouble() > 1) {
                throw new CheckpointException("config.json " + THRESHOLDS_KEY + " needs a threshold between 0 and 1 "
                        + "for label '" + label + "'");
            }
            thresholds.add(value.asDouble());
        }
        return List.copyOf(thresholds);
    }

    /** Model types whose positions start after the padding id: RoBERTa and its descendants. */
    private static final List<String> POSITIONS_AFTER_PADDING = List.of("roberta", "xlm-roberta", "camembert");

    /**
     * The most tokens a sequence can have: the position table's size, less RoBERTa's offset. The model classes read
     * it here, not from {@link Architectures}, which creates them (no import circle).
     */
    public int maxTokens() {
        return POSITIONS_AFTER_PADDING.contains(modelType) ? maxPositions - (int) padTokenId - 1 : maxPositions;
    }

    public int numLabels() {
        return labels.size();
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    private static List<String> labels(JsonNode id2label) {
        Map<Integer, String> byId = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : id2label.properties()) {
            try {
                byId.put(Integer.parseInt(entry.getKey()), entry.getValue().asString());
            } catch (NumberFormatException e) {
                throw new CheckpointException("config.json id2label has a non-numeric id '" + entry.getKey() + "'");
            }
        }
        List<String> labels = new ArrayList<>(byId.values());
        for (int i = 0; i < labels.size(); i++) {
            if (!byId.containsKey(i)) {
                throw new CheckpointException("config.json id2label ids must be 0.." + (labels.size() - 1));
            }
        }
        return labels;
    }

    private static List<String> defaultLabels(int count) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            labels.add("LABEL_" + i);
        }
        return labels;
    }

    private static int integer(JsonNode raw, String field) {
        JsonNode node = raw.get(field);
        if (node == null || !node.isNumber() || node.asInt() <= 0) {
            throw new CheckpointException("config.json needs a positive integer '" + field + "'");
        }
        return node.asInt();
    }

    private static double number(JsonNode raw, String field, double fallback) {
        JsonNode node = raw.get(field);
        return node == null || !node.isNumber() ? fallback : node.asDouble();
    }

    private static String text(JsonNode raw, String field, String fallback) {
        JsonNode node = raw.get(field);
        return node == null || !node.isString() ? fallback : node.stringValue();
    }
}
