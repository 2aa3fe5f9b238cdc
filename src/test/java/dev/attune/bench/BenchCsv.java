package dev.attune.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

import dev.attune.dataset.DatasetRow;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** Reads the ../shared CSV data sets (optionally gzipped) for the benchmarks. */
final class BenchCsv {

    private BenchCsv() {
    }

    /** Rows of a CSV with a "text" column and {@code labelColumn}; a label cell may hold several labels joined by ",". */
    static List<DatasetRow> read(Path file, String labelColumn) throws IOException {
        List<DatasetRow> rows = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (CSVRecord record : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
                List<String> labels = Arrays.stream(record.get(labelColumn).split(",")).map(String::trim)
                        .filter(l -> !l.isEmpty()).distinct().toList();
                rows.add(new DatasetRow(rows.size(), record.get("text"), labels));
            }
        }
        return rows;
    }
}
