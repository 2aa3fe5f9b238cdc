package dev.attune.monitoring;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The per-minute counts of every node ({@code monitoring_counts}): each node adds to its own rows, a read sums the
 * nodes. Plain update-then-insert (no MERGE, which H2 and PostgreSQL spell differently): only this node's flush
 * writes rows with its name, so nobody inserts the same row meanwhile.
 */
@Repository
class MonitoringRepository {

    private final JdbcClient jdbc;
    MonitoringRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Adds the rows to this node's counts, all or none. */
    @Transactional
    public void add(String node, List<TrafficCounters.CountRow> rows) {
        for (TrafficCounters.CountRow row : rows) {
            int updated = jdbc.sql("UPDATE monitoring_counts SET counted = counted + ? WHERE node = ? AND "
                    + "deployment = ? AND model_id = ? AND bucket_start = ? AND figure = ? AND bin = ?")
                    .params(row.count(), node, row.deployment(), row.modelId(), Timestamp.from(row.bucketStart()),
                            row.figure(), row.bin())
                    .update();
            if (updated == 0) {
                jdbc.sql("INSERT INTO monitoring_counts (node, deployment, model_id, bucket_start, figure, bin, "
                        + "counted) VALUES (?, ?, ?, ?, ?, ?, ?)")
                        .params(node, row.deployment(), row.modelId(), Timestamp.from(row.bucketStart()),
                                row.figure(), row.bin(), row.count())
                        .update();
            }
        }
    }

    /**
     * Each model's counts over every node from {@code from} on.
     *
     * @param deployment the deployment's (its models), or null: all traffic of {@code modelId}
     * @param modelId one model's, or null: the deployment's every model
     */
    Map<String, Counts> sums(String deployment, String modelId, Instant from) {
        Map<String, Counts> byModel = new TreeMap<>();
        jdbc.sql("SELECT model_id, figure, bin, SUM(counted) AS total FROM monitoring_counts WHERE bucket_start >= ?"
                + (deployment != null ? " AND deployment = ?" : "") + (modelId != null ? " AND model_id = ?" : "")
                + " GROUP BY model_id, figure, bin ORDER BY model_id, figure, bin")
                .params(params(from, deployment, modelId))
                .query((rs, n) -> {
                    byModel.computeIfAbsent(rs.getString("model_id"), id -> new Counts())
                            .add(Figure.of(rs.getString("figure")), rs.getString("bin"), rs.getLong("total"));
                    return null;
                }).list();
        return byModel;
    }

    /** Texts served per model and minute from {@code from} on, over every node. */
    Map<String, Map<Instant, Long>> textsPerMinute(String deployment, String modelId, Instant from) {
        Map<String, Map<Instant, Long>> byModel = new HashMap<>();
        jdbc.sql("SELECT model_id, bucket_start, SUM(counted) AS total FROM monitoring_counts WHERE bucket_start >= ? "
                + "AND figure = 'traffic' AND bin = 'texts'" + (deployment != null ? " AND deployment = ?" : "")
                + (modelId != null ? " AND model_id = ?" : "") + " GROUP BY model_id, bucket_start")
                .params(params(from, deployment, modelId))
                .query((rs, n) -> byModel.computeIfAbsent(rs.getString("model_id"), id -> new TreeMap<>())
                        .put(rs.getObject("bucket_start", OffsetDateTime.class).toInstant(), rs.getLong("total")))
                .list();
        return byModel;
    }

    /** The deployments (and models) that served from {@code from} on: "" for requests that named a model. */
    List<DeploymentModel> served(Instant from) {
        return jdbc.sql("SELECT DISTINCT deployment, model_id FROM monitoring_counts WHERE bucket_start >= ? "
                + "AND figure = 'traffic'")
                .param(Timestamp.from(from))
                .query((rs, n) -> new DeploymentModel(rs.getString("deployment"), rs.getString("model_id"))).list();
    }

    /** Deletes every node's counts of minutes before {@code before}; how many rows went. */
    int deleteBefore(Instant before) {
        return jdbc.sql("DELETE FROM monitoring_counts WHERE bucket_start < ?").param(Timestamp.from(before)).update();
    }

    private static Object[] params(Instant from, String deployment, String modelId) {
        List<Object> params = new java.util.ArrayList<>(List.of(Timestamp.from(from)));
        if (deployment != null) {
            params.add(deployment);
        }
        if (modelId != null) {
            params.add(modelId);
        }
        return params.toArray();
    }

    /** A deployment (or "") and a model that served through it. */
    record DeploymentModel(String deployment, String modelId) {
    }
}
