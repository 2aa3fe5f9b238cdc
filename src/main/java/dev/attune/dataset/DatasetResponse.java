package dev.attune.dataset;

import java.time.Instant;
import java.util.SortedMap;

/**
 * An uploaded data set.
 *
 * @param id its id (a job's datasetId)
 * @param name a display name (default: the file name)
 * @param format csv, tsv or jsonl
 * @param textColumn the column the texts came from
 * @param labelColumn the column the labels came from
 * @param rowCount rows stored
 * @param skippedRows rows skipped because their text was empty
 * @param labels rows per label
 * @param sizeBytes size of the stored rows
 * @param createdAt when it was uploaded
 */
record DatasetResponse(String id, String name, String format, String textColumn, String labelColumn,
        int rowCount, int skippedRows, SortedMap<String, Integer> labels, long sizeBytes, Instant createdAt) {

    static DatasetResponse of(Dataset d) {
        return new DatasetResponse(d.id(), d.name(), d.format(), d.textColumn(), d.labelColumn(), d.rowCount(),
                d.skippedRows(), d.labels(), d.sizeBytes(), d.createdAt());
    }
}
