package dev.attune.dataset;

import java.io.Closeable;
import java.util.List;

/**
 * Streams the rows of one upload, one at a time, so no file is ever held whole in memory. An
 * implementation reads its format only: the columns a row needs and which values are its texts are
 * {@link Columns}'s, what is done with a row {@link DatasetImporter}'s.
 */
interface RowSource extends Closeable {

    /** The columns (or, for JSONL, the first object's fields) found in the file. */
    List<String> columns();

    /** The next row, or null at the end. Text may be null or empty (such rows are skipped). */
    LabelledRow next();
}
