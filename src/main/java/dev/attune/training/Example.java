package dev.attune.training;

/**
 * One training or evaluation example: its text and what the model should produce for it.
 *
 * @param labels the ids of its labels (labels sorted by name): one for single-label classification,
 *     one or more for multi-label, none for regression
 * @param value the regression target; NaN for classification
 */
public record Example(String text, int[] labels, float value) {

    /** A single-label example. */
    public Example(String text, int label) {
        this(text, new int[] {label}, Float.NaN);
    }

    /** A regression example. */
    public static Example scored(String text, float value) {
        return new Example(text, new int[0], value);
    }

    /** The label id of a single-label example. */
    public int label() {
        return labels[0];
    }
}
