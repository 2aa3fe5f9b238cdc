package dev.attune.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The columns (JSONL: fields) an upload's rows are read from, and the row logic every format shares:
 * which columns a file must have and which of a row's values are its texts. Each {@link RowSource}
 * keeps only its format's reading; what is done with a row (skipping, labels, limits) is
 * {@link DatasetImporter}'s.
 *
 * @param textPair the second text of a sentence pair; null for single texts
 * @param label the labels' column; null for rows without labels
 */
record Columns(String text, String textPair, String label) {

    /** The columns every row must have, in the order the problems name them. */
    List<String> required() {
        List<String> names = new ArrayList<>(List.of(text));
        if (textPair != null) {
            names.add(textPair);
        }
        if (label != null) {
            names.add(label);
        }
        return names;
    }

    /** Refuses a file whose columns ({@code found}) lack one of {@link #required()}. */
    void requireIn(List<String> found) {
        if (!found.containsAll(required())) {
            throw DatasetProblems.missingColumns(this, found);
        }
    }

    /**
     * The row that ended on {@code line}: its text and text pair read through {@code value} (a column's
     * value by name, in that order), with the labels already read from the label column.
     */
    LabelledRow row(long line, UnaryOperator<String> value, List<String> labels, boolean listed) {
        String first = value.apply(text);
        String second = textPair == null ? null : value.apply(textPair);
        return new LabelledRow(line, first, second, labels, listed);
    }
}
