package dev.attune.dataset;

import java.nio.file.Path;
import java.util.SortedMap;

/** The normalised rows of an accepted upload, in a temporary file not yet visible to anyone. */
record ImportedRows(Path tempFile, DatasetFormat format, int rowCount, int skippedRows,
        SortedMap<String, Integer> labels, int multiLabelRows, NumericLabels numericLabels, long sizeBytes) {
}
