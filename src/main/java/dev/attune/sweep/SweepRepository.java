package dev.attune.sweep;

import dev.attune.job.JobStatus;
import dev.attune.finetune.FineTuningConfig;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.ObjectMapper;

/**
 * The sweep tables: sweeps (their request, typed once here), their trials (the option values each tries, its
 * resolved job configuration, its job once queued) and each trial's score at each rung.
 */
@Repository
class SweepRepository {

    private static final String ACTIVE = "('QUEUED', 'RUNNING')";

    private final JdbcClient jdbc;
    private final ObjectMapper mapper;

    /** How long the node that ended a sweep (or claimed its deployment) has to make it before another node may. */
    private static final java.time.Duration DEPLOY_CLAIM = java.time.Duration.ofMinutes(2);
    private static final String CLAIM_END = "CURRENT_TIMESTAMP + CAST(? AS BIGINT) * INTERVAL '0.001' SECOND";
    private static final String CLAIM_LAPSED = "(deploy_claimed_until IS NULL OR deploy_claimed_until < CURRENT_TIMESTAMP)";

    SweepRepository(JdbcClient jdbc, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.mapper = mapper;
    }

    /**
     * A sweep as stored.
     *
     * @param spec the request, with its metric and scheduler resolved
     * @param submittedBy the API key that created it: trials it queues and the deployment it makes are that key's
     * @param deployError why the deployment asked for at its end failed; null when it did not
     */
    record SweepRow(String id, String name, SweepRequest spec, SweepStatus status, String bestJobId, String modelId,
            Instant createdAt, Instant finishedAt, String submittedBy, String deployError) {
    }

    /**
     * A trial with what its job says: null job, status and model while it waits for a place.
     *
     * @param bestScore its best score over its rungs; null before its first
     * @param rungs how many rungs (evaluations) it reached
     */
    record TrialRow(int trial, String jobId, String options, JobStatus status, String modelId, Double bestScore,
            int rungs) {

        /** Queued once, and its job ended (or is gone). */
        boolean ended() {
            return jobId != null && (status == null || status.isFinal());
        }
    }

    /** A trial waiting for a place: its number and its job configuration (JSON). */
    record Waiting(int trial, String config) {
    }

    void insert(SweepRow sweep, String specJson, FineTuningConfig trialsRead) {
        jdbc.sql("""
                INSERT INTO sweep (id, name, spec, status, created_at, submitted_by, dataset_id, validation_dataset_id,
                                   test_dataset_id, base_model)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(sweep.id(), sweep.name(), specJson, sweep.status().name(), Timestamp.from(sweep.createdAt()),
                        sweep.submittedBy(), trialsRead.datasetId(), trialsRead.validationDatasetId(),
                        trialsRead.testDatasetId(), trialsRead.baseModel().text())
                .update();
    }

    /** A trial, waiting until {@link SweepTrials} queues it. */
    void insertTrial(String sweepId, int trial, String options, String config) {
        jdbc.sql("INSERT INTO sweep_trial (sweep_id, trial, options, config) VALUES (?, ?, ?, ?)")
                .params(sweepId, trial, options, config).update();
    }

    /** Locks a running sweep's row until the transaction ends (one claimer per sweep, cluster-wide); false: not running. */
    boolean lockRunning(String sweepId) {
        return jdbc.sql("SELECT id FROM sweep WHERE id = ? AND status = 'RUNNING' FOR UPDATE").param(sweepId)
                .query(String.class).optional().isPresent();
    }

    /** Trials whose job is queued or running. */
    int activeTrials(String sweepId) {
        return jdbc.sql("SELECT COUNT(*) FROM sweep_trial t JOIN job j ON j.id = t.job_id WHERE t.sweep_id = ? "
                + "AND j.status IN " + ACTIVE).param(sweepId).query(Integer.class).single();
    }

    Optional<Waiting> nextWaiting(String sweepId) {
        return jdbc.sql("SELECT trial, config FROM sweep_trial WHERE sweep_id = ? AND job_id IS NULL ORDER BY trial "
                + "FETCH FIRST 1 ROWS ONLY").param(sweepId)
                .query((rs, n) -> new Waiting(rs.getInt("trial"), rs.getString("config"))).optional();
    }

    /** Gives a waiting trial its job (under {@link #lockRunning}). */
    boolean assign(String sweepId, int trial, String jobId) {
        return jdbc.sql("UPDATE sweep_trial SET job_id = ? WHERE sweep_id = ? AND trial = ? AND job_id IS NULL")
                .params(jobId, sweepId, trial).update() == 1;
    }

    /** The sweep a job is a trial of; empty for a job of its own. */
    Optional<String> sweepOfTrial(String jobId) {
        return jdbc.sql("SELECT sweep_id FROM sweep_trial WHERE job_id = ?").param(jobId).query(String.class).list()
                .stream().findFirst();
    }

    Optional<SweepRow> find(String id) {
        return jdbc.sql("SELECT * FROM sweep WHERE id = ?").param(id).query(this::map).optional();
    }

    List<SweepRow> findAll() {
        return jdbc.sql("SELECT * FROM sweep ORDER BY created_at DESC").query(this::map).list();
    }

    List<String> running() {
        return jdbc.sql("SELECT id FROM sweep WHERE status = 'RUNNING' ORDER BY created_at").query(String.class).list();
    }

    /** Every trial with its job's status and model and its rungs, in one statement. */
    List<TrialRow> trials(String sweepId) {
        return trialsOf(List.of(sweepId)).getOrDefault(sweepId, List.of());
    }

    /** The trials of several sweeps (a list of sweeps), by sweep id, in one statement. */
    Map<String, List<TrialRow>> trialsOf(List<String> sweepIds) {
        Map<String, List<TrialRow>> bySweep = new LinkedHashMap<>();
        if (sweepIds.isEmpty()) {
            return bySweep;
        }
        jdbc.sql("""
                SELECT t.sweep_id, t.trial, t.job_id, t.options, j.status, j.model_id, r.best, r.rungs
                FROM sweep_trial t
                LEFT JOIN job j ON j.id = t.job_id
                LEFT JOIN (SELECT sweep_id, job_id, MAX(score) AS best, COUNT(*) AS rungs FROM sweep_rung
                           WHERE sweep_id IN (:ids) GROUP BY sweep_id, job_id) r
                       ON r.sweep_id = t.sweep_id AND r.job_id = t.job_id
                WHERE t.sweep_id IN (:ids) ORDER BY t.sweep_id, t.trial""").param("ids", sweepIds)
                .query(rs -> {
                    bySweep.computeIfAbsent(rs.getString("sweep_id"), id -> new ArrayList<>()).add(new TrialRow(
                            rs.getInt("trial"), rs.getString("job_id"), rs.getString("options"),
                            rs.getString("status") == null ? null : JobStatus.valueOf(rs.getString("status")),
                            rs.getString("model_id"), rs.getObject("best") == null ? null : rs.getDouble("best"),
                            rs.getInt("rungs")));
                });
        return bySweep;
    }

    /** Records a trial's score and loss at a rung; the same rung again (a resumed run's repeat) keeps its arrival. */
    void recordRung(String sweepId, String jobId, int rung, double score, double loss) {
        Double storedLoss = Double.isFinite(loss) ? loss : null;
        if (jdbc.sql("UPDATE sweep_rung SET score = ?, loss = ? WHERE sweep_id = ? AND job_id = ? AND rung = ?")
                .params(score, storedLoss, sweepId, jobId, rung).update() == 0) {
            jdbc.sql("INSERT INTO sweep_rung (sweep_id, job_id, rung, score, loss, reached_at) "
                    + "VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)").params(sweepId, jobId, rung, score, storedLoss).update();
        }
    }

    /** Every trial's result at a rung, in the order they reached it. */
    List<SuccessiveHalving.Result> resultsAt(String sweepId, int rung) {
        return jdbc.sql("""
                SELECT r.job_id, r.score, r.loss FROM sweep_rung r
                LEFT JOIN sweep_trial t ON t.sweep_id = r.sweep_id AND t.job_id = r.job_id
                WHERE r.sweep_id = ? AND r.rung = ? ORDER BY r.reached_at, t.trial""").params(sweepId, rung)
                .query((rs, n) -> new SuccessiveHalving.Result(rs.getString("job_id"), rs.getDouble("score"),
                        rs.getObject("loss") == null ? Double.POSITIVE_INFINITY : rs.getDouble("loss"), n))
                .list();
    }

    /** Ends a running sweep once (a second caller changes nothing): its status, best trial and model. */
    boolean finish(String id, SweepStatus status, String bestJobId, String modelId, boolean deployPending) {
        return jdbc.sql("UPDATE sweep SET status = ?, best_job_id = ?, model_id = ?, finished_at = CURRENT_TIMESTAMP, "
                + "deploy_pending = ?, deploy_claimed_until = " + CLAIM_END + " WHERE id = ? AND status = 'RUNNING'")
                .params(status.name(), bestJobId, modelId, deployPending, deployPending ? DEPLOY_CLAIM.toMillis() : 0, id)
                .update() == 1;
    }

    /** Ended sweeps whose deployment is still owed and whose claim lapsed (the node ending them died). */
    List<String> deployPending() {
        return jdbc.sql("SELECT id FROM sweep WHERE deploy_pending = TRUE AND " + CLAIM_LAPSED + " ORDER BY finished_at")
                .query(String.class).list();
    }

    /** Claims a lapsed pending deployment for this node; false when it was made, or another node claimed it. */
    boolean claimDeployment(String id) {
        return jdbc.sql("UPDATE sweep SET deploy_claimed_until = " + CLAIM_END + " WHERE id = ? AND deploy_pending = TRUE "
                + "AND " + CLAIM_LAPSED).params(DEPLOY_CLAIM.toMillis(), id).update() == 1;
    }

    /** The sweep's deployment was made, or its error recorded. */
    void deployDone(String id) {
        jdbc.sql("UPDATE sweep SET deploy_pending = FALSE WHERE id = ?").param(id).update();
    }

    /** Successive halving's judgement of a trial at a rung: recorded before the worker acts on it. */
    void recordJudgement(String sweepId, String jobId, int rung, boolean continued) {
        jdbc.sql("UPDATE sweep_rung SET continued = ? WHERE sweep_id = ? AND job_id = ? AND rung = ?")
                .params(continued, sweepId, jobId, rung).update();
    }

    /** The judgement a trial got at a rung; empty when it was not judged there. */
    Optional<Boolean> judgementAt(String sweepId, String jobId, int rung) {
        return jdbc.sql("SELECT continued FROM sweep_rung WHERE sweep_id = ? AND job_id = ? AND rung = ?")
                .params(sweepId, jobId, rung).query((rs, n) -> (Boolean) rs.getObject("continued", Boolean.class))
                .list().stream().filter(java.util.Objects::nonNull).findFirst();
    }

    /** The rung at which halving stopped this trial; empty while it may go on. */
    Optional<Integer> haltedAt(String sweepId, String jobId) {
        return jdbc.sql("SELECT MIN(rung) FROM sweep_rung WHERE sweep_id = ? AND job_id = ? AND continued = FALSE")
                .params(sweepId, jobId).query((rs, n) -> (Integer) rs.getObject(1, Integer.class)).list()
                .stream().filter(java.util.Objects::nonNull).findFirst();
    }

    void recordDeployError(String id, String error) {
        jdbc.sql("UPDATE sweep SET deploy_error = ? WHERE id = ?")
                .params(error.length() > 4000 ? error.substring(0, 4000) : error, id).update();
    }

    private SweepRow map(ResultSet rs, int row) throws SQLException {
        OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
        return new SweepRow(rs.getString("id"), rs.getString("name"),
                mapper.readValue(rs.getString("spec"), SweepRequest.class), SweepStatus.valueOf(rs.getString("status")),
                rs.getString("best_job_id"), rs.getString("model_id"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), finished == null ? null : finished.toInstant(),
                rs.getString("submitted_by"), rs.getString("deploy_error"));
    }
}
