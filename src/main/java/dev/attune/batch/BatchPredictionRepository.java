package dev.attune.batch;

import dev.attune.job.JobStatus;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The job table as batch predictions see it (kind 'scoring'): listing, committed results, deletion. */
@Repository
class BatchPredictionRepository {

    private static final String ENDED = "status IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'STOPPED')";

    private final JdbcClient jdbc;

    BatchPredictionRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The ids of batch predictions not deleted, newest first; {@code status} null: all. */
    List<String> list(JobStatus status, int limit) {
        List<Object> params = new ArrayList<>();
        if (status != null) {
            params.add(status.name());
        }
        params.add(limit);
        return jdbc.sql("SELECT id FROM job WHERE kind = 'scoring' AND delete_requested = FALSE"
                + (status == null ? "" : " AND status = ?") + " ORDER BY created_at DESC, id DESC LIMIT ?")
                .params(params).query(String.class).list();
    }

    /** Whether a DELETE was asked for it (it is gone for the API, and removed once it ended). */
    boolean deleteRequested(String id) {
        return jdbc.sql("SELECT delete_requested FROM job WHERE id = ?").param(id).query(Boolean.class).optional()
                .orElse(false);
    }

    void requestDelete(String id) {
        jdbc.sql("UPDATE job SET delete_requested = TRUE WHERE id = ? AND kind = 'scoring'").param(id).update();
    }

    /** Ended batch predictions to remove: deleted while running, or ended before {@code endedBefore}. */
    List<String> removable(Instant endedBefore) {
        return jdbc.sql("SELECT id FROM job WHERE kind = 'scoring' AND " + ENDED
                + " AND (delete_requested = TRUE OR finished_at < ?) ORDER BY finished_at")
                .param(Timestamp.from(endedBefore)).query(String.class).list();
    }

    /** Deletes an ended batch prediction's record (its evaluation rows go with it); false when it is not one. */
    boolean delete(String id) {
        return jdbc.sql("DELETE FROM job WHERE id = ? AND kind = 'scoring' AND " + ENDED).param(id).update() == 1;
    }

    /** The committed results (JSON); null before the first commit. */
    String results(String id) {
        List<String> parts = jdbc.sql("SELECT results_parts FROM job WHERE id = ?").param(id).query(String.class).list();
        return parts.isEmpty() ? null : parts.get(0);
    }

    /**
     * Commits a run's results, fenced like every write of a worker: after another worker took the job over (or it
     * ended) it changes nothing and returns false.
     */
    boolean recordResults(String id, String owner, String partsJson) {
        return jdbc.sql("UPDATE job SET results_parts = ? WHERE id = ? AND status = 'RUNNING' AND lease_owner = ?")
                .params(partsJson, id, owner).update() == 1;
    }
}
