package dev.attune.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The sweep tables: sweeps, their trials (job ids and the option values they try), and each trial's rung scores. */
@Repository
class SweepRepository {

    private final JdbcClient jdbc;

    SweepRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A sweep as stored.
     *
     * @param spec the request, as JSON
     * @param status RUNNING, SUCCEEDED, FAILED (no trial succeeded) or CANCELLED
     */
    record SweepRow(String id, String name, String spec, String status, String bestJobId, String modelId,
            Instant createdAt, Instant finishedAt) {
    }

    /** A trial: its index, its job (null while it waits for maxParallel), the option values it tries (JSON). */
    record TrialRow(int trial, String jobId, String options) {
    }

    void insert(String id, String name, String spec, Instant now) {
        jdbc.sql("INSERT INTO sweep (id, name, spec, status, created_at) VALUES (?, ?, ?, 'RUNNING', ?)")
                .params(id, name, spec, Timestamp.from(now)).update();
    }

    void insertTrial(String sweepId, int trial, String jobId, String options) {
        jdbc.sql("INSERT INTO sweep_trial (sweep_id, trial, job_id, options) VALUES (?, ?, ?, ?)")
                .params(sweepId, trial, jobId, options).update();
    }

    /** A trial that waits for a free place (maxParallel): its configuration, as JSON, queued later. */
    void insertPending(String sweepId, int trial, String options, String config) {
        jdbc.sql("INSERT INTO sweep_trial (sweep_id, trial, options, config) VALUES (?, ?, ?, ?)")
                .params(sweepId, trial, options, config).update();
    }

    /** The waiting trials, first to queue first: (trial, configuration JSON). */
    List<Map.Entry<Integer, String>> pending(String sweepId) {
        return jdbc.sql("SELECT trial, config FROM sweep_trial WHERE sweep_id = ? AND job_id IS NULL ORDER BY trial")
                .param(sweepId).query((rs, n) -> Map.entry(rs.getInt("trial"), rs.getString("config"))).list();
    }

    /** Takes a waiting trial for this job id; false when another node took it first. */
    boolean claimPending(String sweepId, int trial, String jobId) {
        return jdbc.sql("UPDATE sweep_trial SET job_id = ? WHERE sweep_id = ? AND trial = ? AND job_id IS NULL")
                .params(jobId, sweepId, trial).update() == 1;
    }

    Optional<SweepRow> find(String id) {
        return jdbc.sql("SELECT * FROM sweep WHERE id = ?").param(id).query(this::map).optional();
    }

    List<SweepRow> findAll() {
        return jdbc.sql("SELECT * FROM sweep ORDER BY created_at DESC").query(this::map).list();
    }

    List<TrialRow> trials(String sweepId) {
        return jdbc.sql("SELECT trial, job_id, options FROM sweep_trial WHERE sweep_id = ? ORDER BY trial").param(sweepId)
                .query((rs, n) -> new TrialRow(rs.getInt("trial"), rs.getString("job_id"), rs.getString("options")))
                .list();
    }

    /** Records a trial's score at a rung (its n-th evaluation); a resumed run's repeat replaces it. */
    void recordRung(String sweepId, String jobId, int rung, double score) {
        jdbc.sql("DELETE FROM sweep_rung WHERE sweep_id = ? AND job_id = ? AND rung = ?").params(sweepId, jobId, rung)
                .update();
        jdbc.sql("INSERT INTO sweep_rung (sweep_id, job_id, rung, score) VALUES (?, ?, ?, ?)")
                .params(sweepId, jobId, rung, score).update();
    }

    /** Every trial's score at a rung. */
    List<Double> scoresAt(String sweepId, int rung) {
        return jdbc.sql("SELECT score FROM sweep_rung WHERE sweep_id = ? AND rung = ?").params(sweepId, rung)
                .query(Double.class).list();
    }

    /** A trial's best score over its rungs; null before its first evaluation. */
    Double bestScore(String sweepId, String jobId) {
        return jdbc.sql("SELECT MAX(score) FROM sweep_rung WHERE sweep_id = ? AND job_id = ?").params(sweepId, jobId)
                .query(Double.class).optional().orElse(null);
    }

    /** Ends a sweep once (a second caller changes nothing): its status, best trial and model. */
    boolean finish(String id, String status, String bestJobId, String modelId) {
        return jdbc.sql("UPDATE sweep SET status = ?, best_job_id = ?, model_id = ?, finished_at = CURRENT_TIMESTAMP "
                + "WHERE id = ? AND status = 'RUNNING'").params(status, bestJobId, modelId, id).update() == 1;
    }

    private SweepRow map(ResultSet rs, int row) throws SQLException {
        OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
        return new SweepRow(rs.getString("id"), rs.getString("name"), rs.getString("spec"), rs.getString("status"),
                rs.getString("best_job_id"), rs.getString("model_id"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), finished == null ? null : finished.toInstant());
    }
}
