package dev.attune.dataset;

import java.util.Locale;
import java.util.Optional;

/** The upload formats a data set can come in; gzip compression is detected separately. */
enum DatasetFormat {
    CSV, TSV, JSONL;

    /** The format a file name announces (after any .gz), if it announces one. */
    static Optional<DatasetFormat> fromFileName(String fileName) {
        if (fileName == null) {
            return Optional.empty();
        }
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".csv")) {
            return Optional.of(CSV);
        }
        if (name.endsWith(".tsv") || name.endsWith(".tab")) {
            return Optional.of(TSV);
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return Optional.of(JSONL);
        }
        return Optional.empty();
    }

    /** Guesses from the first characters: a JSON object, else tabs or commas on the first line. */
    static DatasetFormat sniff(String head) {
        String trimmed = head.stripLeading();
        if (trimmed.startsWith("{")) {
            return JSONL;
        }
        int end = trimmed.indexOf('\n');
        String firstLine = end < 0 ? trimmed : trimmed.substring(0, end);
        long tabs = firstLine.chars().filter(c -> c == '\t').count();
        long commas = firstLine.chars().filter(c -> c == ',').count();
        return tabs > 0 && tabs >= commas ? TSV : CSV;
    }

    static Optional<DatasetFormat> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(value.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw DatasetProblems.unknownFormat(value);
        }
    }
}
