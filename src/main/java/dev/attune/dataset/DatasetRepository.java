package dev.attune.dataset;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;

/** Data-set rows and their label counts in H2. */
@Repository
class DatasetRepository {

    private final JdbcClient jdbc;

    DatasetRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    void insert(Dataset dataset) {
        NumericLabels numeric = dataset.numericLabels();
        jdbc.sql("""
                INSERT INTO dataset (id, name, format, text_column, label_column, row_count, skipped_rows,
                                     size_bytes, file_name, created_at, multi_label_rows, label_delimiter,
                                     numeric_min, numeric_max, numeric_mean, numeric_integers, text_pair_column,
                                     parent_id, version, duplicate_rows)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(dataset.id(), dataset.name(), dataset.format(), dataset.textColumn(), dataset.labelColumn(),
                        dataset.rowCount(), dataset.skippedRows(), dataset.sizeBytes(), dataset.fileName(),
                        Timestamp.from(dataset.createdAt()), dataset.multiLabelRows(), dataset.labelDelimiter(),
                        numeric == null ? null : numeric.min(), numeric == null ? null : numeric.max(),
                        numeric == null ? null : numeric.mean(), numeric == null ? null : numeric.integers(),
                        dataset.textPairColumn(), dataset.parentId(), dataset.version(), dataset.duplicateRows())
                .update();
        dataset.labels().forEach((label, count) -> jdbc
                .sql("INSERT INTO dataset_label (dataset_id, label, row_count) VALUES (?, ?, ?)")
                .params(dataset.id(), label, count)
                .update());
    }

    Optional<Dataset> findById(String id) {
        return jdbc.sql("SELECT * FROM dataset WHERE id = ?").param(id)
                .query((rs, n) -> map(rs, labels(id))).optional();
    }

    /** Every data set, newest first, with its label counts (two queries, however many data sets). */
    List<Dataset> findAll() {
        Map<String, SortedMap<String, Integer>> labels = new HashMap<>();
        jdbc.sql("SELECT dataset_id, label, row_count FROM dataset_label").query(rs -> {
            labels.computeIfAbsent(rs.getString("dataset_id"), k -> new TreeMap<>())
                    .put(rs.getString("label"), rs.getInt("row_count"));
        });
        return jdbc.sql("SELECT * FROM dataset ORDER BY created_at DESC")
                .query((rs, n) -> map(rs, labels.getOrDefault(rs.getString("id"), new TreeMap<>()))).list();
    }

    private static Dataset map(ResultSet rs, SortedMap<String, Integer> labels) throws SQLException {
        Double min = rs.getObject("numeric_min", Double.class);
        NumericLabels numeric = min == null ? null : new NumericLabels(min, rs.getDouble("numeric_max"),
                rs.getDouble("numeric_mean"), rs.getBoolean("numeric_integers"));
        return new Dataset(rs.getString("id"), rs.getString("name"), rs.getString("format"), rs.getString("text_column"),
                rs.getString("label_column"), rs.getInt("row_count"), rs.getInt("skipped_rows"), rs.getLong("size_bytes"),
                rs.getString("file_name"), labels, rs.getInt("multi_label_rows"), rs.getString("label_delimiter"), numeric,
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getString("text_pair_column"),
                rs.getString("parent_id"), rs.getInt("version"), rs.getInt("duplicate_rows"));
    }

    /** Locks the data set's row until the transaction ends (SELECT ... FOR UPDATE); false when it does not exist. */
    boolean lock(String id) {
        return jdbc.sql("SELECT id FROM dataset WHERE id = ? FOR UPDATE").param(id).query(String.class).optional()
                .isPresent();
    }

    boolean delete(String id) {
        return jdbc.sql("DELETE FROM dataset WHERE id = ?").param(id).update() > 0;
    }

    List<String> allFileNames() {
        return jdbc.sql("SELECT file_name FROM dataset").query(String.class).list();
    }

    private SortedMap<String, Integer> labels(String id) {
        SortedMap<String, Integer> labels = new TreeMap<>();
        jdbc.sql("SELECT label, row_count FROM dataset_label WHERE dataset_id = ?").param(id)
                .query(rs -> {
                    labels.put(rs.getString("label"), rs.getInt("row_count"));
                });
        return labels;
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
