package dev.attune.training;

/** One training or evaluation example: its text and the id of its label (labels sorted by name). */
public record Example(String text, int label) {
}
