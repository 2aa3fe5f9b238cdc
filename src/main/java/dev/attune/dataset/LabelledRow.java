package dev.attune.dataset;

/** One example as read from an upload; {@code line} is the 1-based line it ended on. */
record LabelledRow(long line, String text, String label) {
}
