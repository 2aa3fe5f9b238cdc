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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import dev.attune.dataset.DatasetRow;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** Reads the benchmarks' inputs: key=value arguments and the ../shared CSV data sets (optionally gzipped). */
public final class BenchInputs {

    private BenchInputs() {
    }

    /** key=value arguments as a map (a later key wins). */
    public static Map<String, String> arguments(String[] args) {
        Map<String, String> map = new HashMap<>();
        for (String arg : args) {
            map.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        return map;
    }

    /** The checkpoint the benchmarks fine-tune: model=..., default ../shared's MiniLM. */
    public static Path model(Map<String, String> arguments) {
        return Path.of(arguments.getOrDefault("model", "../shared/models/all-MiniLM-L6-v2")).toAbsolutePath();
    }

    /** Rows of a CSV with a "text" column and {@code labelColumn}; a label cell may hold several labels joined by ",". */
    public static List<DatasetRow> read(Path file, String labelColumn) throws IOException {
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
