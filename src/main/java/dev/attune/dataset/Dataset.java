package dev.attune.dataset;

import java.time.Instant;
import java.util.SortedMap;

/** A stored data set: normalised rows on disk plus this description in H2. */
public record Dataset(String id, String name, String format, String textColumn, String labelColumn,
        int rowCount, int skippedRows, long sizeBytes, String fileName, SortedMap<String, Integer> labels,
        Instant createdAt) {
}
