package dev.attune.dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * The columns (JSONL: fields) an upload's rows are read from.
 *
 * @param textPair the second text of a sentence pair; null for single texts
 */
record Columns(String text, String textPair, String label) {

    /** The columns every row must have, in the order the problems name them. */
    List<String> required() {
        List<String> names = new ArrayList<>(List.of(text));
        if (textPair != null) {
            names.add(textPair);
        }
        names.add(label);
        return names;
    }
}
