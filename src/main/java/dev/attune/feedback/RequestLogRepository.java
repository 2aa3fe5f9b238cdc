package dev.attune.feedback;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** The served_request table: the sampled log of answered predict requests, one row per text. */
@Repository
class RequestLogRepository {

    private static final String INSERT = "INSERT INTO served_request (request_id, text_index, deployment, model_id, "
            + "predicted, score, text, text_pair, served_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final LabelsJson json;
    private final TransactionTemplate transactions;

    RequestLogRepository(JdbcClient jdbc, JdbcTemplate template, LabelsJson json, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.template = template;
        this.json = json;
        this.transactions = transactions;
    }

    /**
     * Writes rows in one batch. A request id already logged (callers choose X-Request-Id, and may repeat one) keeps
     * its first answer: the batch then goes row by row, leaving such rows out.
     *
     * @return the rows left out as already logged
     */
    int insert(List<LoggedRequest> rows) {
        try {
            // all or none: a driver that runs the rest of a batch past a duplicate (H2) would otherwise have written
            // them, and the row-by-row retry would count them as repeated
            transactions.executeWithoutResult(status ->
                    template.batchUpdate(INSERT, rows, rows.size(), (statement, row) -> bind(statement, row)));
            return 0;
        } catch (DuplicateKeyException e) {
            int duplicates = 0;
            for (LoggedRequest row : rows) {
                try {
                    template.update(INSERT, statement -> bind(statement, row));
                } catch (DuplicateKeyException again) {
                    duplicates++;
                }
            }
            return duplicates;
        }
    }

    private void bind(java.sql.PreparedStatement statement, LoggedRequest row) throws SQLException {
        statement.setString(1, row.requestId());
        statement.setInt(2, row.index());
        statement.setString(3, row.deployment());
        statement.setString(4, row.modelId());
        statement.setString(5, row.predicted() == null ? null : json.write(row.predicted()));
        statement.setDouble(6, row.score());
        statement.setString(7, row.text());
        statement.setString(8, row.textPair());
        statement.setTimestamp(9, Timestamp.from(row.servedAt()));
    }

    Optional<LoggedRequest> find(String requestId, int index) {
        return jdbc.sql("SELECT * FROM served_request WHERE request_id = ? AND text_index = ?")
                .params(requestId, index).query(this::map).optional();
    }

    /** Every logged text of a request, in order. */
    List<LoggedRequest> all(String requestId) {
        return jdbc.sql("SELECT * FROM served_request WHERE request_id = ? ORDER BY text_index").param(requestId)
                .query(this::map).list();
    }

    /** How many texts the request had in the log (0: not logged, or purged). */
    int texts(String requestId) {
        return jdbc.sql("SELECT COUNT(*) FROM served_request WHERE request_id = ?").param(requestId)
                .query(Integer.class).single();
    }

    /** Removes the rows served before {@code cutoff}; returns how many. */
    int purgeBefore(Instant cutoff) {
        return jdbc.sql("DELETE FROM served_request WHERE served_at < ?").param(Timestamp.from(cutoff)).update();
    }

    private LoggedRequest map(ResultSet rs, int row) throws SQLException {
        String predicted = rs.getString("predicted");
        return new LoggedRequest(rs.getString("request_id"), rs.getInt("text_index"), rs.getString("deployment"),
                rs.getString("model_id"), predicted == null ? null : json.read(predicted), rs.getDouble("score"),
                rs.getString("text"), rs.getString("text_pair"),
                rs.getObject("served_at", OffsetDateTime.class).toInstant());
    }
}
