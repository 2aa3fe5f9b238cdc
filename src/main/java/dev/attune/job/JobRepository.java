package dev.attune.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectMapper;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** Jobs and their evaluation points (H2 or PostgreSQL). Status changes are conditional updates, so two writers never race. */
@Repository
class JobRepository {

    private final JdbcClient jdbc;

    private final ObjectMapper mapper;
    private final TransactionTemplate transactions;
    private final ApplicationEventPublisher events;

    private final JobKinds kinds;

    JobRepository(JdbcClient jdbc, ObjectMapper mapper, TransactionTemplate transactions,
            ApplicationEventPublisher events, JobKinds kinds) {
        this.kinds = kinds;
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.transactions = transactions;
        this.events = events;
    }

    void insert(Job job) {
        jdbc.sql("""
                INSERT INTO job (id, name, status, dataset_id, validation_dataset_id, test_dataset_id, base_model,
                                 priority, config, created_at, submitted_by, sweep_id, kind)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(job.id(), job.name(), job.status().name(), job.config().inputs().datasetId(),
                        job.config().inputs().validationDatasetId(), job.config().inputs().testDatasetId(),
                        job.config().inputs().model(), job.config().priority(), mapper.writeValueAsString(job.config()), ts(job.createdAt()),
                        job.submittedBy(), job.sweepId(), job.kind().id())
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

    /** The jobs of these ids that exist, in the order of the ids (one statement). */
    List<Job> findAll(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, Job> found = new HashMap<>();
        jdbc.sql("SELECT * FROM job WHERE id IN (:ids)").param("ids", ids).query(this::map).list()
                .forEach(job -> found.put(job.id(), job));
        return ids.stream().map(found::get).filter(Objects::nonNull).toList();
    }

    /** Queued and running jobs whose stored inputs ({@link JobSpec.Inputs}) name this data set, or this model. */
    List<JobService.Unfinished> unfinishedReading(String id, boolean dataset) {
        String inputs = dataset ? "(dataset_id = :id OR validation_dataset_id = :id OR test_dataset_id = :id)"
                : "base_model = :id";
        return jdbc.sql("SELECT id, status FROM job WHERE status IN ('QUEUED', 'RUNNING') AND " + inputs
                        + " ORDER BY created_at").param("id", id)
                .query((rs, n) -> new JobService.Unfinished(rs.getString("id"), JobStatus.valueOf(rs.getString("status"))))
                .list();
    }

    int count(JobStatus status) {
        return jdbc.sql("SELECT COUNT(*) FROM job WHERE status = ?").param(status.name()).query(Integer.class).single();
    }

    /**
     * Cancels a job that is still QUEUED; false when a worker claimed it first (running jobs move through
     * {@link JobQueue}, which knows their lease). Publishes {@link JobEnded}.
     */
    boolean cancelQueued(String id) {
        JobStatus.QUEUED.checkMoveTo(JobStatus.CANCELLED);
        boolean cancelled = jdbc.sql("UPDATE job SET status = ?, finished_at = CURRENT_TIMESTAMP WHERE id = ? AND status = ?")
                .params(JobStatus.CANCELLED.name(), id, JobStatus.QUEUED.name()).update() == 1;
        if (cancelled) {
            events.publishEvent(new JobEnded(id, JobStatus.CANCELLED));
        }
        return cancelled;
    }

    // A worker's writes below name its lease (owner): after another worker took the job over they change nothing
    // and return false.

    boolean recordError(String id, String owner, String type, String message) {
        return jdbc.sql("UPDATE job SET error_type = ?, error_message = ? WHERE id = ? AND lease_owner = ?")
                .params(type, message, id, owner).update() == 1;
    }

    boolean recordProgress(String id, String owner, String progressJson) {
        return jdbc.sql("UPDATE job SET progress = ? WHERE id = ? AND lease_owner = ?")
                .params(progressJson, id, owner).update() == 1;
    }

    boolean recordTestMetrics(String id, String owner, String metricsJson) {
        return jdbc.sql("UPDATE job SET test_metrics = ? WHERE id = ? AND lease_owner = ?")
                .params(metricsJson, id, owner).update() == 1;
    }

    /** An evaluation point; the job row's update comes first and locks it, so the lease cannot pass meanwhile. */
    boolean insertEvaluation(String id, String owner, int attempt, JobEvaluation evaluation) {
        String pointJson = mapper.writeValueAsString(evaluation.stored());
        String metricsJson = mapper.writeValueAsString(evaluation.metrics());
        boolean best = Boolean.TRUE.equals(evaluation.best());
        long step = evaluation.step();
        return Boolean.TRUE.equals(transactions.execute(status -> {
            int held = jdbc.sql("UPDATE job SET latest_metrics = ?" + (best ? ", best_metrics = ?" : "")
                    + " WHERE id = ? AND lease_owner = ?")
                    .params(best ? new Object[] {pointJson, pointJson, id, owner} : new Object[] {pointJson, id, owner})
                    .update();
            if (held == 0) {
                return false;
            }
            jdbc.sql("DELETE FROM job_metric WHERE job_id = ? AND attempt = ? AND step = ?").params(id, attempt, step)
                    .update();
            jdbc.sql("INSERT INTO job_metric (job_id, attempt, step, epoch, train_loss, metrics, is_best, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)")
                    .params(id, attempt, step, evaluation.epoch(), evaluation.trainLoss(), metricsJson, best).update();
            return true;
        }));
    }

    List<EvaluationRow> evaluations(String id) {
        return jdbc.sql("SELECT * FROM job_metric WHERE job_id = ? ORDER BY attempt, step").param(id)
                .query((rs, n) -> new EvaluationRow(rs.getInt("attempt"), rs.getLong("step"), rs.getDouble("epoch"),
                        rs.getDouble("train_loss"), rs.getString("metrics"), rs.getBoolean("is_best")))
                .list();
    }

    /**
     * The rung of an evaluation at {@code step}: its place among the job's evaluated steps, every attempt counted
     * (a step evaluated again by a resumed attempt keeps its place).
     */
    int rungOf(String id, long step) {
        return jdbc.sql("SELECT COUNT(DISTINCT step) FROM job_metric WHERE job_id = ? AND step <= ?").params(id, step)
                .query(Integer.class).single();
    }

    /**
     * A new attempt starts with no progress; earlier attempts' evaluation points stay in job_metric, and the
     * latest and best metrics stay too: a resumed run continues from its last evaluation's resume point, so
     * they are still its own (a run that had no evaluation yet starts afresh with none).
     */
    void resetProgress(String id, String owner) {
        jdbc.sql("UPDATE job SET progress = NULL WHERE id = ? AND lease_owner = ?").params(id, owner).update();
    }

    record EvaluationRow(int attempt, long step, double epoch, double trainLoss, String metrics, boolean best) {
    }

    Job map(ResultSet rs, int row) throws SQLException {
        String errorType = rs.getString("error_type");
        Job.Execution execution = new Job.Execution(instant(rs, "started_at"), instant(rs, "finished_at"),
                rs.getString("progress"), rs.getString("latest_metrics"), rs.getString("best_metrics"),
                rs.getString("test_metrics"),
                rs.getString("model_id"), errorType == null ? null : new Job.Failure(errorType, rs.getString("error_message")),
                rs.getInt("attempts"), rs.getString("node"), rs.getString("device"));
        JobSpec config = kinds.read(rs.getString("kind"), rs.getString("config"));
        JobKind kind = config instanceof StoredSpec ? new JobKind(rs.getString("kind"), StoredSpec.class) : config.kind();
        return new Job(rs.getString("id"), kind, JobStatus.valueOf(rs.getString("status")), config,
                instant(rs, "created_at"), execution,
                rs.getString("submitted_by"), rs.getString("sweep_id"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }
}
