package dev.attune.dataset;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of a data set's normalised JSONL file: {"text","label"}, {"text","labels":[...]} for a row with
 * several labels, {"text"} alone for a row without labels, and "textPair" in a sentence-pair data set. The only place that knows the format: the
 * importer writes it, {@link DatasetFiles} reads it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record StoredRow(String text, String textPair, String label, List<String> labels) {

    static StoredRow of(String text, String textPair, List<String> labels) {
        return labels.isEmpty() ? new StoredRow(text, textPair, null, null)
                : labels.size() == 1 ? new StoredRow(text, textPair, labels.get(0), null)
                : new StoredRow(text, textPair, null, labels);
    }

    /** The stored line of a row (its index is its place in the file). */
    static StoredRow of(DatasetRow row) {
        return of(row.text(), row.textPair(), row.labels());
    }

    DatasetRow toRow(long index) {
        return new DatasetRow(index, text, textPair, labels != null ? labels : label != null ? List.of(label) : List.of());
    }
}
