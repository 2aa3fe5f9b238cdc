package dev.attune.dataset;

import java.util.List;

/**
 * One example as read from an upload; {@code line} is the 1-based line it ended on. {@code labels}
 * holds the label cell as found: one string to be split on the label delimiter by the importer, or
 * ({@code listed}) the elements of a JSON array, already one label each. {@code textPair} is the second
 * text of a sentence pair (null when the upload has none).
 */
record LabelledRow(long line, String text, String textPair, List<String> labels, boolean listed) {
}
