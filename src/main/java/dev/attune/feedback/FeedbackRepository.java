package dev.attune.feedback;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The feedback table: true labels for served answers, what accuracy and data sets are made from. */
@Repository
class FeedbackRepository {

    private final JdbcClient jdbc;
    private final LabelsJson json;

    FeedbackRepository(JdbcClient jdbc, LabelsJson json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Stores feedback; feedback naming a request and text already corrected replaces the earlier one. Run in a
     * transaction: the logged request's row is locked first, so two callers correcting the same answer at once (on
     * any node) take turns, and one row remains.
     *
     * @return whether it replaced earlier feedback
     */
    boolean save(Feedback feedback, String submittedBy) {
        Timestamp now = Timestamp.from(Instant.now());
        String predicted = feedback.predicted() == null ? null : json.write(feedback.predicted());
        if (feedback.requestId() != null) {
            jdbc.sql("SELECT request_id FROM served_request WHERE request_id = ? AND text_index = ? FOR UPDATE")
                    .params(feedback.requestId(), feedback.index()).query(String.class).optional();
            int updated = jdbc.sql("UPDATE feedback SET labels = ?, correct = ?, created_at = ?, submitted_by = ? "
                    + "WHERE request_id = ? AND text_index = ?").params(json.write(feedback.labels()),
                    feedback.correct(), now, submittedBy, feedback.requestId(), feedback.index()).update();
            if (updated > 0) {
                return true;
            }
        }
        jdbc.sql("INSERT INTO feedback (id, request_id, text_index, deployment, model_id, predicted, labels, correct, "
                + "text, text_pair, served_at, created_at, submitted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(UUID.randomUUID().toString(), feedback.requestId(), feedback.index(), feedback.deployment(),
                        feedback.modelId(), predicted, json.write(feedback.labels()), feedback.correct(),
                        feedback.text(), feedback.textPair(), Timestamp.from(feedback.servedAt()), now, submittedBy)
                .update();
        return false;
    }

    /**
     * Per deployment and model, the feedback whose answer is known: how many, how many right.
     *
     * @param deployment only this deployment's answers (null: any)
     * @param modelId only this model's answers (null: any)
     * @param since only answers served from then on (null: all)
     */
    List<Tally> tally(String deployment, String modelId, Instant since) {
        List<Object> params = new ArrayList<>();
        String where = filters(deployment, modelId, since, params);
        return jdbc.sql("SELECT deployment, model_id, COUNT(*) AS answers, "
                + "SUM(CASE WHEN correct THEN 1 ELSE 0 END) AS right_answers, MIN(served_at) AS first_served, "
                + "MAX(served_at) AS last_served FROM feedback WHERE correct IS NOT NULL" + where
                + " GROUP BY deployment, model_id ORDER BY deployment, model_id").params(params)
                .query((rs, row) -> new Tally(rs.getString("deployment"), rs.getString("model_id"),
                        rs.getLong("answers"), rs.getLong("right_answers"), instant(rs, "first_served"),
                        instant(rs, "last_served")))
                .list();
    }

    /**
     * Counts per deployment and model.
     *
     * @param answers feedback whose answer is known
     * @param right those whose answer had the true labels
     */
    record Tally(String deployment, String modelId, long answers, long right, Instant firstServed, Instant lastServed) {
    }

    /** The feedback on one deployment's or one model's answers, oldest answer first. */
    List<Feedback> rows(String deployment, String modelId, Instant since) {
        List<Object> params = new ArrayList<>();
        String where = filters(deployment, modelId, since, params);
        return jdbc.sql("SELECT * FROM feedback WHERE 1 = 1" + where + " ORDER BY served_at, request_id, text_index, id")
                .params(params).query(this::map).list();
    }

    private static String filters(String deployment, String modelId, Instant since, List<Object> params) {
        StringBuilder where = new StringBuilder();
        if (deployment != null) {
            where.append(" AND deployment = ?");
            params.add(deployment);
        }
        if (modelId != null) {
            where.append(" AND model_id = ?");
            params.add(modelId);
        }
        if (since != null) {
            where.append(" AND served_at >= ?");
            params.add(Timestamp.from(since));
        }
        return where.toString();
    }

    private Feedback map(ResultSet rs, int row) throws SQLException {
        String predicted = rs.getString("predicted");
        Object index = rs.getObject("text_index");
        Object correct = rs.getObject("correct");
        return new Feedback(rs.getString("request_id"), index == null ? null : ((Number) index).intValue(),
                rs.getString("deployment"), rs.getString("model_id"), predicted == null ? null : json.read(predicted),
                json.read(rs.getString("labels")), correct == null ? null : (Boolean) correct, rs.getString("text"),
                rs.getString("text_pair"), instant(rs, "served_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
