package dev.attune.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Repository;

/** Jobs and their evaluation points in H2. Status changes are conditional updates, so two writers never race. */
@Repository
class JobRepository {

    private final JdbcClient jdbc;

    private final ObjectMapper mapper;

    JobRepository(JdbcClient jdbc, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    void insert(Job job) {
        jdbc.sql("""
                INSERT INTO job (id, name, status, dataset_id, validation_dataset_id, test_dataset_id, base_model,
                                 priority, config, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(job.id(), job.name(), job.status().name(), job.config().datasetId(),
                        job.config().validationDatasetId(), job.config().testDatasetId(), job.config().baseModel(),
                        job.config().priority(), mapper.writeValueAsString(job.config()), ts(job.createdAt()))
                .update();
    }

    Optional<Job> findById(String id) {
        return jdbc.sql("SELECT * FROM job WHERE id = ?").param(id).query(this::map).optional();
    }

    List<Job> findAll(JobStatus status) {
        if (status == null) {
            return jdbc.sql("SELECT * FROM job ORDER BY created_at DESC").query(this::map).list();
        }
        return jdbc.sql("SELECT * FROM job WHERE status = ? ORDER BY created_at DESC").param(status.name())
                .query(this::map).list();
    }

    /** The next job to run: highest priority, then submission order. */
    Optional<Job> nextQueued() {
        return jdbc.sql("SELECT * FROM job WHERE status = 'QUEUED' ORDER BY priority DESC, created_at, id LIMIT 1")
                .query(this::map).optional();
    }

    int count(JobStatus status) {
        return jdbc.sql("SELECT COUNT(*) FROM job WHERE status = ?").param(status.name()).query(Integer.class).single();
    }

    /** Moves a job from one status to another if it is still in {@code from}; false when it was not. */
    boolean transition(String id, JobStatus from, JobStatus to) {
        from.checkMoveTo(to);
        String timestamps = switch (to) {
            case RUNNING -> ", started_at = CURRENT_TIMESTAMP, attempts = attempts + 1, error_type = NULL, error_message = NULL";
            case SUCCEEDED, FAILED, CANCELLED -> ", finished_at = CURRENT_TIMESTAMP";
            case QUEUED -> "";
        };
        return jdbc.sql("UPDATE job SET status = ?" + timestamps + " WHERE id = ? AND status = ?")
                .params(to.name(), id, from.name()).update() == 1;
    }

    void recordError(String id, String type, String message) {
        jdbc.sql("UPDATE job SET error_type = ?, error_message = ? WHERE id = ?").params(type, message, id).update();
    }

    void recordProgress(String id, String progressJson) {
        jdbc.sql("UPDATE job SET progress = ? WHERE id = ?").params(progressJson, id).update();
    }

    void recordTestMetrics(String id, String metricsJson) {
        jdbc.sql("UPDATE job SET test_metrics = ? WHERE id = ?").params(metricsJson, id).update();
    }

    void recordModel(String id, String modelId) {
        jdbc.sql("UPDATE job SET model_id = ? WHERE id = ?").params(modelId, id).update();
    }

    void insertEvaluation(String id, int attempt, long step, double epoch, double trainLoss, String metricsJson,
            boolean best) {
        jdbc.sql("MERGE INTO job_metric (job_id, attempt, step, epoch, train_loss, metrics, is_best, created_at) "
                + "KEY (job_id, attempt, step) VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)")
                .params(id, attempt, step, epoch, trainLoss, metricsJson, best).update();
        String pointJson = "{\"step\":%d,\"epoch\":%s,\"trainLoss\":%s,\"metrics\":%s}"
                .formatted(step, epoch, trainLoss, metricsJson);
        jdbc.sql("UPDATE job SET latest_metrics = ?" + (best ? ", best_metrics = ?" : "") + " WHERE id = ?")
                .params(best ? new Object[] {pointJson, pointJson, id} : new Object[] {pointJson, id}).update();
    }

    List<EvaluationRow> evaluations(String id) {
        return jdbc.sql("SELECT * FROM job_metric WHERE job_id = ? ORDER BY attempt, step").param(id)
                .query((rs, n) -> new EvaluationRow(rs.getInt("attempt"), rs.getLong("step"), rs.getDouble("epoch"),
                        rs.getDouble("train_loss"), rs.getString("metrics"), rs.getBoolean("is_best")))
                .list();
    }

    /** A new attempt starts with no progress; earlier attempts' evaluation points stay in job_metric. */
    void resetProgress(String id) {
        jdbc.sql("UPDATE job SET progress = NULL, latest_metrics = NULL, best_metrics = NULL WHERE id = ?").param(id).update();
    }

    record EvaluationRow(int attempt, long step, double epoch, double trainLoss, String metrics, boolean best) {
    }

    private Job map(ResultSet rs, int row) throws SQLException {
        String errorType = rs.getString("error_type");
        Job.Execution execution = new Job.Execution(instant(rs, "started_at"), instant(rs, "finished_at"),
                rs.getString("progress"), rs.getString("latest_metrics"), rs.getString("best_metrics"),
                rs.getString("test_metrics"),
                rs.getString("model_id"), errorType == null ? null : new Job.Failure(errorType, rs.getString("error_message")),
                rs.getInt("attempts"));
        return new Job(rs.getString("id"), JobStatus.valueOf(rs.getString("status")),
                mapper.readValue(rs.getString("config"), JobConfig.class), instant(rs, "created_at"), execution);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }
}
