package dev.attune.training;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a multi-label model decides which labels a text has: {@code tuned} (each label's threshold set on
 * the validation set to maximise that label's F1) or one fixed probability for every label.
 *
 * @param fixed the fixed threshold; null when tuned
 */
public record Thresholds(Double fixed) {

    public static final Thresholds TUNED = new Thresholds(null);

    public boolean tuned() {
        return fixed == null;
    }

    /** "tuned" or the number, as the API and stored configurations spell it. */
    @JsonValue
    public Object json() {
        return fixed == null ? "tuned" : fixed;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Thresholds fromJson(Object value) {
        return parse(value).orElseThrow(() -> new IllegalArgumentException(
                "thresholds must be \"tuned\" or a number between 0 and 1, was " + value));
    }

    /** The rule a JSON value names; empty when it names none. */
    public static Optional<Thresholds> parse(Object value) {
        if (value == null || (value instanceof String s && s.trim().toLowerCase(Locale.ROOT).equals("tuned"))) {
            return Optional.of(TUNED);
        }
        if (value instanceof Number n && n.doubleValue() > 0 && n.doubleValue() < 1) {
            return Optional.of(new Thresholds(n.doubleValue()));
        }
        return Optional.empty();
    }
}
