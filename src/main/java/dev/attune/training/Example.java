package dev.attune.training;

/**
 * One training or evaluation example: its text (and, in a pair data set, its second text) and what the
 * model should produce for it.
 *
 * @param textPair the second text of a sentence pair (a hypothesis, a paraphrase candidate); null for single texts
 * @param labels the ids of its labels (labels sorted by name): one for single-label classification,
 *     one or more for multi-label, none for regression
 * @param value the regression target; NaN for classification
 */
public record Example(String text, String textPair, int[] labels, float value) {

    /** An example of a single text. */
    public Example(String text, int[] labels, float value) {
        this(text, null, labels, value);
    }

    /** A single-label example. */
    public Example(String text, int label) {
        this(text, null, new int[] {label}, Float.NaN);
    }

    /** A regression example. */
    public static Example scored(String text, float value) {
        return new Example(text, null, new int[0], value);
    }

    /** The label id of a single-label example. */
    public int label() {
        return labels[0];
    }
}
