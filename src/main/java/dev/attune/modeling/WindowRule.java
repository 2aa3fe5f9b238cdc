package dev.attune.modeling;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a model reads texts longer than its maxLength: the {@link LongText} rule and, for sliding windows, the
 * tokens between window starts. Kept in config.json under {@value LongText#CONFIG_KEY}; a model without one
 * truncates.
 */
public record WindowRule(LongText rule, int stride) {

    public static final WindowRule TRUNCATE = new WindowRule(LongText.TRUNCATE, 0);

    /** The rule a config.json holds; truncation when it holds none. */
    public static WindowRule read(JsonNode config) {
        JsonNode node = config.get(LongText.CONFIG_KEY);
        if (node == null || !node.isObject()) {
            return TRUNCATE;
        }
        try {
            return new WindowRule(LongText.of(node.path("rule").asString("truncate")), node.path("stride").asInt(0));
        } catch (IllegalArgumentException e) {
            return TRUNCATE;
        }
    }

    public void writeTo(ObjectNode config) {
        config.remove(LongText.CONFIG_KEY);
        if (rule != LongText.TRUNCATE) {
            config.putObject(LongText.CONFIG_KEY).put("rule", rule.id()).put("stride", stride);
        }
    }

    /** The stride to use at this maxLength: as set, else half of it. */
    public int strideFor(int maxLength) {
        return stride > 0 ? stride : Math.max(1, maxLength / 2);
    }
}
