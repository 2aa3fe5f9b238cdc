package dev.attune.modeling;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What happens to a text longer than maxLength tokens: {@code truncate} (the first maxLength tokens, as
 * transformers' truncation=True), {@code head_tail} (its first quarter of the room and the end of the text:
 * the opening and the verdict of a review, Sun et al. 2019), or {@code sliding_window} (every window of
 * maxLength tokens, windowStride apart, run together; their logits averaged). Sentence pairs are always cut
 * longest side first.
 */
public enum LongText {
    TRUNCATE, HEAD_TAIL, SLIDING_WINDOW;

    /** A config.json key: the long-text rule a model was trained with, and its stride. */
    public static final String CONFIG_KEY = "attune_long_text";

    @JsonValue
    public String id() {
        return EnumNames.id(this);
    }

    @JsonCreator
    public static LongText of(String id) {
        return EnumNames.of(LongText.class, id);
    }
}
