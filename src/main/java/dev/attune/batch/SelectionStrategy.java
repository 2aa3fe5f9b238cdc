package dev.attune.batch;

import java.util.Arrays;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a batch prediction picks the rows to label next from the model's probabilities (issue 33). Each uncertainty
 * strategy gives a row one score, and the rows come in that score's order, ties by row index:
 * <ul>
 * <li>{@code margin}: the top probability minus the second (smallest first);</li>
 * <li>{@code entropy}: -Σ p·ln p over the labels, in nats (highest first);</li>
 * <li>{@code least_confidence}: the top probability (lowest first);</li>
 * <li>{@code random}: a uniform draw without replacement, seeded: no score.</li>
 * </ul>
 * A multi-label model's labels are independent yes/no decisions (a sigmoid each), so a row's uncertainty is its
 * labels': margin is the smallest |p − (1 − p)| = |2p − 1| over its labels (its least decided label), entropy the sum
 * of its labels' binary entropies (the entropy of the joint answer, the labels being independent), least confidence
 * the lowest max(p, 1 − p) over its labels. With two classes (and per label) the three uncertainty strategies rank
 * rows alike; they part with three classes or more. A regression has no probabilities: only random applies.
 */
public enum SelectionStrategy {

    MARGIN("margin", true),
    ENTROPY("entropy", false),
    LEAST_CONFIDENCE("least_confidence", true),
    RANDOM("random", true);

    private final String id;
    private final boolean ascending;

    SelectionStrategy(String id, boolean ascending) {
        this.id = id;
        this.ascending = ascending;
    }

    @JsonValue
    public String id() {
        return id;
    }

    /** Whether the smallest score is chosen first (margin, least confidence); entropy chooses the largest. */
    boolean ascending() {
        return ascending;
    }

    /** Whether it reads the model's probabilities (every strategy but random). */
    boolean needsProbabilities() {
        return this != RANDOM;
    }

    /** The strategy with this id; null when none has it. */
    static SelectionStrategy parse(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst().orElse(null);
    }

    static String ids() {
        return String.join(", ", Arrays.stream(values()).map(SelectionStrategy::id).toList());
    }

    /**
     * A row's score.
     *
     * @param p the row's probabilities, one per label: a softmax (single label) or a sigmoid each (multi-label)
     */
    double score(double[] p, boolean multiLabel) {
        return switch (this) {
            case MARGIN -> multiLabel ? min(p, q -> Math.abs(2 * q - 1)) : margin(p);
            case ENTROPY -> {
                double sum = 0;
                for (double q : p) {
                    sum += multiLabel ? entropy(q) + entropy(1 - q) : entropy(q);
                }
                yield sum;
            }
            case LEAST_CONFIDENCE -> multiLabel ? min(p, q -> Math.max(q, 1 - q)) : Arrays.stream(p).max().orElse(0);
            case RANDOM -> throw new IllegalStateException("random selection scores no row");
        };
    }

    private static double margin(double[] p) {
        double first = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        for (double q : p) {
            if (q > first) {
                second = first;
                first = q;
            } else if (q > second) {
                second = q;
            }
        }
        return first - second;
    }

    /** -q·ln q, 0 at q = 0. */
    private static double entropy(double q) {
        return q <= 0 ? 0 : -q * Math.log(q);
    }

    private static double min(double[] p, java.util.function.DoubleUnaryOperator f) {
        double min = Double.POSITIVE_INFINITY;
        for (double q : p) {
            min = Math.min(min, f.applyAsDouble(q));
        }
        return min;
    }
}
