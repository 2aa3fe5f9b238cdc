package dev.attune.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How the loss weighs labels, for imbalanced data: {@code none}; {@code balanced} (single label:
 * n_samples / (n_classes × count), as scikit-learn; multi-label: pos_weight = negatives / positives per
 * label, capped at {@value #MAX_POS_WEIGHT}); or an explicit label → weight map (single label: the class
 * weight; multi-label: the label's pos_weight; labels left out weigh 1).
 *
 * @param mode none, balanced or explicit
 * @param weights the explicit map; empty otherwise
 */
public record ClassWeights(Mode mode, Map<String, Double> weights) {

    /** Bounds a rare label's pos_weight (grief: 77 of 43,410 rows would otherwise weigh 563). */
    static final double MAX_POS_WEIGHT = 30;

    public enum Mode { NONE, BALANCED, EXPLICIT }

    public static final ClassWeights NONE = new ClassWeights(Mode.NONE, Map.of());
    public static final ClassWeights BALANCED = new ClassWeights(Mode.BALANCED, Map.of());

    public ClassWeights {
        weights = Map.copyOf(weights);
    }

    public static ClassWeights explicit(Map<String, Double> weights) {
        return new ClassWeights(Mode.EXPLICIT, weights);
    }

    /** "none", "balanced" or {"label": weight}, as the API and stored configurations spell it. */
    @JsonValue
    public Object json() {
        return switch (mode) {
            case NONE -> "none";
            case BALANCED -> "balanced";
            case EXPLICIT -> new LinkedHashMap<>(weights);
        };
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ClassWeights fromJson(Object value) {
        return parse(value).orElseThrow(() -> new IllegalArgumentException(
                "classWeights must be \"none\", \"balanced\" or a map of label to positive weight, was " + value));
    }

    /** The weights a JSON value names; empty when it names none (a typo, a negative weight...). */
    public static Optional<ClassWeights> parse(Object value) {
        if (value == null) {
            return Optional.of(NONE);
        }
        if (value instanceof String name) {
            return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "none" -> Optional.of(NONE);
                case "balanced" -> Optional.of(BALANCED);
                default -> Optional.empty();
            };
        }
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            Map<String, Double> weights = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getValue() instanceof Number number) || !(number.doubleValue() > 0)
                        || !Double.isFinite(number.doubleValue())) {
                    return Optional.empty();
                }
                weights.put(String.valueOf(entry.getKey()), number.doubleValue());
            }
            return Optional.of(explicit(weights));
        }
        return Optional.empty();
    }

    /** Labels the explicit map names that are not among {@code labels}. */
    public List<String> unknownLabels(List<String> labels) {
        return weights.keySet().stream().filter(l -> !labels.contains(l)).sorted().toList();
    }

    /** Per-class weights for a single-label loss, in label order; null for none. */
    double[] classWeights(List<String> labels, int[] counts) {
        if (mode == Mode.NONE) {
            return null;
        }
        long total = java.util.Arrays.stream(counts).asLongStream().sum();
        double[] w = new double[labels.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = mode == Mode.EXPLICIT ? weights.getOrDefault(labels.get(c), 1.0)
                    : counts[c] == 0 ? 1 : (double) total / (labels.size() * (double) counts[c]);
        }
        return w;
    }

    /** Per-label pos_weight for a multi-label loss, in label order; null for none. */
    double[] posWeights(List<String> labels, int[] positives, int examples) {
        if (mode == Mode.NONE) {
            return null;
        }
        double[] w = new double[labels.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = mode == Mode.EXPLICIT ? weights.getOrDefault(labels.get(c), 1.0)
                    : positives[c] == 0 ? 1 : Math.min(MAX_POS_WEIGHT, (examples - positives[c]) / (double) positives[c]);
        }
        return w;
    }
}
