package dev.attune.modeling;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The maxLength a fine-tuned model was trained and evaluated with, kept in its config.json ({@value #KEY}) so that
 * it is served reading as many tokens (its tokenizer, copied from the base, may allow many more: a model trained at
 * 64 tokens was served at 512, and a sliding-window stride meant for 64-token windows ran on 512-token ones).
 */
public final class TrainedLength {

    public static final String KEY = "attune_max_length";

    private TrainedLength() {
    }

    /** The stored maxLength; null when the model has none (an import: its tokenizer's limit applies). */
    public static Integer read(JsonNode config) {
        JsonNode node = config == null ? null : config.get(KEY);
        return node != null && node.isIntegralNumber() && node.asInt() >= 2 ? node.asInt() : null;
    }

    public static void write(ObjectNode config, Integer maxLength) {
        config.remove(KEY);
        if (maxLength != null) {
            config.put(KEY, maxLength);
        }
    }

    /** The tokens a window reads: the trained maxLength, within what the tokenizer allows. */
    static int of(Integer trained, TextEncoder encoder) {
        return trained == null ? encoder.defaultMaxLength() : Math.min(trained, encoder.positionLimit());
    }
}
