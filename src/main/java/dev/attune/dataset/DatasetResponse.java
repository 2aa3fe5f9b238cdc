package dev.attune.dataset;

import java.time.Instant;
import java.util.SortedMap;

/** A data set as the API shows it. */
record DatasetResponse(String id, String name, String format, String textColumn, String labelColumn,
        int rowCount, int skippedRows, SortedMap<String, Integer> labels, long sizeBytes, Instant createdAt) {

    static DatasetResponse of(Dataset d) {
        return new DatasetResponse(d.id(), d.name(), d.format(), d.textColumn(), d.labelColumn(), d.rowCount(),
                d.skippedRows(), d.labels(), d.sizeBytes(), d.createdAt());
    }
}
