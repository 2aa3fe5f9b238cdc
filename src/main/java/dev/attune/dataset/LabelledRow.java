package dev.attune.dataset;

import java.util.List;

/**
 * One example as read from an upload; {@code line} is the 1-based line it ended on. {@code labels}
 * holds the label cell as found (one string for CSV/TSV, the elements of a JSON array in JSONL);
 * splitting on the label delimiter happens in the importer.
 */
record LabelledRow(long line, String text, List<String> labels) {
}
