package dev.attune.dataset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The rows of a data set's next version: the parent's, in their order, then the uploaded ones. The one rule for
 * an uploaded row the parent already holds (the same text, and text pair): with the same labels (in any order) it
 * is left out and counted ({@code duplicates}); with other labels the upload is refused, naming the rows, since
 * relabelling a parent's row is not adding one (make such a data set with {@link DatasetService#createFrom}).
 * Repeats within the upload itself are kept, as an upload keeps them.
 *
 * @param rows the version's rows, the parent's first
 * @param duplicates uploaded rows left out as the parent's
 */
record VersionRows(List<DatasetRow> rows, int duplicates) {

    /** At most this many conflicting rows are named in the problem. */
    private static final int NAMED = 5;

    static VersionRows merge(List<DatasetRow> parent, List<DatasetRow> added) {
        Map<String, DatasetRow> byText = new HashMap<>(parent.size() * 2);
        for (DatasetRow row : parent) {
            byText.putIfAbsent(key(row), row);
        }
        List<DatasetRow> rows = new ArrayList<>(parent.size() + added.size());
        rows.addAll(parent);
        int duplicates = 0;
        List<String> conflicts = new ArrayList<>();
        int conflicting = 0;
        for (DatasetRow row : added) {
            DatasetRow held = byText.get(key(row));
            if (held == null) {
                rows.add(row);
            } else if (new HashSet<>(held.labels()).equals(new HashSet<>(row.labels()))) {
                duplicates++;
            } else {
                conflicting++;
                if (conflicts.size() < NAMED) {
                    conflicts.add("uploaded row %d (labels %s) is the parent's row %d (labels %s)".formatted(row.index(),
                            row.labels(), held.index(), held.labels()));
                }
            }
        }
        if (conflicting > 0) {
            throw DatasetProblems.conflictingLabels(conflicting, conflicts);
        }
        return new VersionRows(rows, duplicates);
    }

    private static String key(DatasetRow row) {
        return row.textPair() == null ? row.text() : row.text() + '\u0000' + row.textPair();
    }
}
