package dev.attune.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.attune.dataset.DatasetRow;
import dev.attune.finetune.FineTuningConfig;
import dev.attune.job.JobLease;
import dev.attune.job.JobStatus;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** The audit tables: audits, their fold jobs, the folds' out-of-fold probabilities and the suspects found. */
@Repository
class AuditRepository {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final ObjectMapper mapper;

    AuditRepository(JdbcClient jdbc, TransactionTemplate transactions, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.mapper = mapper;
    }

    /**
     * An audit as stored.
     *
     * @param labels the classes, in id order (sorted names)
     * @param training the fine-tuning each fold runs
     * @param result what confident learning found; null until SUCCEEDED
     * @param error why it failed; null unless FAILED (or a cancel's reason)
     */
    record AuditRow(String id, String datasetId, String name, AuditStatus status, int folds,
            ConfidentLearning.RankBy rankBy, List<String> labels, FineTuningConfig training, AuditResult result,
            String error, Instant createdAt, Instant finishedAt, String submittedBy) {
    }

    /**
     * What confident learning found.
     *
     * @param thresholds per class, in label order
     * @param confidentJoint [given][suggested] counts, calibrated
     * @param rows rows audited
     * @param suspects rows flagged
     */
    record AuditResult(List<Double> thresholds, List<List<Integer>> confidentJoint, int rows, int suspects) {
    }

    /** A fold with its job's status, progress (JSON) and error. */
    record FoldRow(int fold, String jobId, JobStatus status, String progress, String error) {
    }

    /**
     * A row whose label looks wrong.
     *
     * @param rank 1 for the most suspect (lowest self-confidence, or normalised margin, as the audit ranks)
     * @param rowIndex its index in the data set (from 0, in upload order, as /rows pages them)
     * @param text its text
     * @param textPair its second text, in a sentence-pair data set; absent otherwise
     * @param givenLabel the label it has
     * @param suggestedLabel the label the out-of-fold model finds most probable
     * @param selfConfidence the out-of-fold probability of its given label
     * @param normalizedMargin (p(given label) - max p(other label) + 1) / 2
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record Suspect(int rank, long rowIndex, String text, String textPair, String givenLabel, String suggestedLabel,
            double selfConfidence, double normalizedMargin) {
    }

    void insert(AuditRow audit) {
        jdbc.sql("""
                INSERT INTO audit (id, dataset_id, name, status, folds, rank_by, class_labels, training, created_at,
                                   submitted_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(audit.id(), audit.datasetId(), audit.name(), audit.status().name(), audit.folds(),
                        audit.rankBy().name(), mapper.writeValueAsString(audit.labels()),
                        mapper.writeValueAsString(audit.training()), Timestamp.from(audit.createdAt()),
                        audit.submittedBy())
                .update();
    }

    void insertFold(String auditId, int fold, String jobId) {
        jdbc.sql("INSERT INTO audit_fold (audit_id, fold, job_id) VALUES (?, ?, ?)").params(auditId, fold, jobId).update();
    }

    Optional<AuditRow> find(String id) {
        return jdbc.sql("SELECT * FROM audit WHERE id = ?").param(id).query(this::map).optional();
    }

    List<AuditRow> findByDataset(String datasetId) {
        return jdbc.sql("SELECT * FROM audit WHERE dataset_id = ? ORDER BY created_at DESC").param(datasetId)
                .query(this::map).list();
    }

    List<String> running() {
        return jdbc.sql("SELECT id FROM audit WHERE status = 'RUNNING' ORDER BY created_at").query(String.class).list();
    }

    Optional<String> auditOfJob(String jobId) {
        return jdbc.sql("SELECT audit_id FROM audit_fold WHERE job_id = ?").param(jobId).query(String.class).list()
                .stream().findFirst();
    }

    /** Every fold with its job's status, progress and error, in fold order (one statement). */
    List<FoldRow> folds(String auditId) {
        return jdbc.sql("""
                SELECT f.fold, f.job_id, j.status, j.progress, j.error_message FROM audit_fold f
                LEFT JOIN job j ON j.id = f.job_id WHERE f.audit_id = ? ORDER BY f.fold""").param(auditId)
                .query((rs, n) -> new FoldRow(rs.getInt("fold"), rs.getString("job_id"),
                        rs.getString("status") == null ? null : JobStatus.valueOf(rs.getString("status")),
                        rs.getString("progress"), rs.getString("error_message")))
                .list();
    }

    /**
     * Stores a fold's held-out probabilities in one transaction, only while the job is still this worker's (its row
     * locked, RUNNING, leased to it); a repeat (a resumed fold) replaces them. False, and the lease marked lost, when
     * the job is another worker's.
     */
    boolean recordPredictions(String auditId, int fold, JobLease lease, List<DatasetRow> rows, double[][] probs) {
        Boolean stored = transactions.execute(status -> {
            if (jdbc.sql("SELECT id FROM job WHERE id = ? AND status = 'RUNNING' AND lease_owner = ? FOR UPDATE")
                    .params(lease.jobId(), lease.owner()).query(String.class).optional().isEmpty()) {
                return false;
            }
            jdbc.sql("DELETE FROM audit_prediction WHERE audit_id = ? AND fold = ?").params(auditId, fold).update();
            for (int i = 0; i < rows.size(); i++) {
                jdbc.sql("INSERT INTO audit_prediction (audit_id, row_index, fold, probs) VALUES (?, ?, ?, ?)")
                        .params(auditId, rows.get(i).index(), fold, mapper.writeValueAsString(probs[i])).update();
            }
            return true;
        });
        if (!Boolean.TRUE.equals(stored)) {
            lease.lose();
            return false;
        }
        return true;
    }

    /** Every stored out-of-fold probability row, by row index. */
    Map<Long, double[]> predictions(String auditId) {
        Map<Long, double[]> byRow = new HashMap<>();
        jdbc.sql("SELECT row_index, probs FROM audit_prediction WHERE audit_id = ?").param(auditId).query(rs -> {
            byRow.put(rs.getLong("row_index"), mapper.readValue(rs.getString("probs"), double[].class));
        });
        return byRow;
    }

    /** Ends a running audit once (a second caller changes nothing); with its result and suspects when it succeeded. */
    boolean finish(String id, AuditStatus status, AuditResult result, String error, List<Suspect> suspects) {
        Boolean ended = transactions.execute(tx -> {
            boolean changed = jdbc.sql("UPDATE audit SET status = ?, result = ?, error = ?, finished_at = CURRENT_TIMESTAMP "
                    + "WHERE id = ? AND status = 'RUNNING'")
                    .params(status.name(), result == null ? null : mapper.writeValueAsString(result),
                            error == null ? null : error.substring(0, Math.min(4000, error.length())), id)
                    .update() == 1;
            if (changed) {
                for (Suspect s : suspects) {
                    jdbc.sql("""
                            INSERT INTO audit_suspect (audit_id, suspect_rank, row_index, row_text, row_text_pair,
                                                       given_label, suggested_label, self_confidence, normalized_margin)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                            .params(id, s.rank(), s.rowIndex(), s.text(), s.textPair(), s.givenLabel(),
                                    s.suggestedLabel(), s.selfConfidence(), s.normalizedMargin())
                            .update();
                }
            }
            return changed;
        });
        return Boolean.TRUE.equals(ended);
    }

    /** Suspects ranked [offset, offset + limit), most suspect first. */
    List<Suspect> suspects(String auditId, long offset, int limit) {
        return jdbc.sql("SELECT * FROM audit_suspect WHERE audit_id = ? ORDER BY suspect_rank OFFSET ? ROWS "
                + "FETCH NEXT ? ROWS ONLY").params(auditId, offset, limit)
                .query((rs, n) -> new Suspect(rs.getInt("suspect_rank"), rs.getLong("row_index"),
                        rs.getString("row_text"), rs.getString("row_text_pair"), rs.getString("given_label"),
                        rs.getString("suggested_label"), rs.getDouble("self_confidence"),
                        rs.getDouble("normalized_margin")))
                .list();
    }

    private AuditRow map(ResultSet rs, int row) throws SQLException {
        OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
        String result = rs.getString("result");
        return new AuditRow(rs.getString("id"), rs.getString("dataset_id"), rs.getString("name"),
                AuditStatus.valueOf(rs.getString("status")), rs.getInt("folds"),
                ConfidentLearning.RankBy.valueOf(rs.getString("rank_by")),
                mapper.readValue(rs.getString("class_labels"), STRINGS),
                mapper.readValue(rs.getString("training"), FineTuningConfig.class),
                result == null ? null : mapper.readValue(result, AuditResult.class), rs.getString("error"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                finished == null ? null : finished.toInstant(), rs.getString("submitted_by"));
    }
}
