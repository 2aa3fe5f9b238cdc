package dev.attune.job;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The job table as the queue every node sharing the database draws from (the pattern of Oban, River, Solid
 * Queue and GoodJob). A worker claims the next QUEUED job with {@code SELECT ... FOR UPDATE SKIP LOCKED}, so
 * concurrent claims never block each other or take the same row, and holds a lease on it that it renews
 * while it runs. Every write a worker makes to its job names its lease: once the lease passed to another
 * worker, the old one's writes change nothing. Lease times are the database's clock, not the nodes'.
 */
@Repository
class JobQueue {

    /** The lease's end: now plus a number of milliseconds (portable between H2 and PostgreSQL). */
    private static final String LEASE_END = "CURRENT_TIMESTAMP + CAST(? AS BIGINT) * INTERVAL '0.001' SECOND";
    private static final String EXPIRED = "(lease_expires_at IS NULL OR lease_expires_at < CURRENT_TIMESTAMP)";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final JobRepository jobs;
    private final ApplicationEventPublisher events;

    JobQueue(JdbcClient jdbc, TransactionTemplate transactions, JobRepository jobs, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.jobs = jobs;
        this.events = events;
    }

    /** Claims the next queued job (highest priority, then submission order) for this lease; empty when none. */
    Optional<Job> claim(String owner, String node, String device, Duration lease) {
        JobStatus.QUEUED.checkMoveTo(JobStatus.RUNNING);
        Optional<String> claimed = transactions.execute(status -> {
            Optional<String> id = jdbc.sql("SELECT id FROM job WHERE status = ? "
                    + "ORDER BY priority DESC, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED").param(JobStatus.QUEUED.name())
                    .query(String.class).optional();
            id.ifPresent(jobId -> jdbc.sql("UPDATE job SET status = ?, started_at = CURRENT_TIMESTAMP, "
                    + "attempts = attempts + 1, error_type = NULL, error_message = NULL, node = ?, device = ?, "
                    + "lease_owner = ?, lease_expires_at = " + LEASE_END + " WHERE id = ?")
                    .params(JobStatus.RUNNING.name(), node, device, owner, lease.toMillis(), jobId).update());
            return id;
        });
        return claimed.flatMap(jobs::findById);
    }

    /** Extends a lease; false when it is no longer this owner's (taken over, or the job ended). */
    boolean renew(String jobId, String owner, Duration lease) {
        return jdbc.sql("UPDATE job SET lease_expires_at = " + LEASE_END
                + " WHERE id = ? AND status = 'RUNNING' AND lease_owner = ?")
                .params(lease.toMillis(), jobId, owner).update() == 1;
    }

    /**
     * Ends a run: the job moves to {@code to} (QUEUED when a shutdown stopped it) if this owner still holds it.
     * A graceful hand-back does not use up an attempt: only crashes and lost nodes count towards the limit.
     * A final status publishes {@link JobEnded}.
     */
    boolean release(String jobId, String owner, JobStatus to, String modelId) {
        JobStatus.RUNNING.checkMoveTo(to);
        return ended(jobId, to, jdbc.sql("UPDATE job SET status = ?, lease_owner = NULL, lease_expires_at = NULL, model_id = ?"
                + (to.isFinal() ? ", finished_at = CURRENT_TIMESTAMP" : "")
                + (to == JobStatus.QUEUED ? ", attempts = attempts - 1" : "")
                + " WHERE id = ? AND status = 'RUNNING' AND lease_owner = ?")
                .params(to.name(), modelId, jobId, owner).update() == 1);
    }

    /** Tells whoever follows a job's end (a sweep) that it ended, once the change is committed. */
    private boolean ended(String jobId, JobStatus to, boolean changed) {
        if (changed && to.isFinal()) {
            events.publishEvent(new JobEnded(jobId, to));
        }
        return changed;
    }

    /** Asks the worker running a job, on whichever node, to stop it at its next lease renewal. */
    void requestCancel(String jobId) {
        jdbc.sql("UPDATE job SET cancel_requested = TRUE WHERE id = ? AND status IN ('QUEUED', 'RUNNING')")
                .param(jobId).update();
    }

    boolean cancelRequested(String jobId) {
        return jdbc.sql("SELECT cancel_requested FROM job WHERE id = ?").param(jobId).query(Boolean.class)
                .optional().orElse(false);
    }

    /** RUNNING jobs whose lease ran out (or never had one: rows from before leases): their worker is gone. */
    List<Job> expired() {
        return jdbc.sql("SELECT id FROM job WHERE status = 'RUNNING' AND " + EXPIRED).query(String.class).list()
                .stream().flatMap(id -> jobs.findById(id).stream()).toList();
    }

    /** RUNNING jobs recorded on this node: after a restart their worker is surely gone, lease or not. */
    List<Job> runningOn(String node) {
        return jdbc.sql("SELECT id FROM job WHERE status = 'RUNNING' AND node = ?").param(node).query(String.class)
                .list().stream().flatMap(id -> jobs.findById(id).stream()).toList();
    }

    /**
     * Takes a job back from a worker that is gone: to QUEUED (a worker resumes it), CANCELLED (a cancel was
     * asked) or FAILED (with this error). Only one caller wins when several nodes try at once; when
     * {@code onlyIfExpired}, a lease renewed in the meantime wins over it. A row another session holds locked
     * is skipped, not waited for (the next round tries again): a node frozen in the middle of a transaction
     * must not freeze the lease keeper of the node taking its job over (PostgreSQL ends such a transaction,
     * see {@code PostgresSessions}). A final status publishes {@link JobEnded}.
     */
    boolean takeBack(String jobId, String node, boolean onlyIfExpired, JobStatus to, String errorType, String errorMessage) {
        JobStatus.RUNNING.checkMoveTo(to);
        String which = "id = ? AND status = 'RUNNING' AND " + (onlyIfExpired ? EXPIRED : "node = ?");
        List<Object> whichParams = onlyIfExpired ? List.of(jobId) : List.of(jobId, node);
        List<Object> params = new ArrayList<>(List.of(to.name()));
        if (to.isFinal()) {
            params.addAll(Arrays.asList(errorType, errorMessage));
        }
        params.addAll(whichParams);
        Boolean taken = transactions.execute(status -> {
            if (jdbc.sql("SELECT id FROM job WHERE " + which + " FOR UPDATE SKIP LOCKED").params(whichParams)
                    .query(String.class).optional().isEmpty()) {
                return false;
            }
            return jdbc.sql("UPDATE job SET status = ?, lease_owner = NULL, lease_expires_at = NULL"
                    + (to.isFinal() ? ", finished_at = CURRENT_TIMESTAMP, error_type = ?, error_message = ?" : "")
                    + " WHERE " + which).params(params).update() == 1;
        });
        return ended(jobId, to, Boolean.TRUE.equals(taken));
    }

    /** Records that a node is alive, with what it does (the node list and health read it). */
    void heartbeat(String node, String roles, String devices, Instant startedAt) {
        int updated = jdbc.sql("UPDATE node SET roles = ?, devices = ?, started_at = ?, seen_at = CURRENT_TIMESTAMP "
                + "WHERE name = ?").params(roles, devices, Timestamp.from(startedAt), node).update();
        if (updated == 0) {
            try {
                jdbc.sql("INSERT INTO node (name, roles, devices, started_at, seen_at) VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)")
                        .params(node, roles, devices, Timestamp.from(startedAt)).update();
            } catch (DuplicateKeyException raced) {
                // the same node's previous heartbeat inserted it a moment ago
            }
        }
    }

    List<Heartbeats.Node> nodes() {
        return jdbc.sql("""
                SELECT n.name, n.roles, n.devices, n.started_at, n.seen_at,
                       (SELECT COUNT(*) FROM job j WHERE j.node = n.name AND j.status = 'RUNNING') AS running
                FROM node n ORDER BY n.name""")
                .query((rs, row) -> new Heartbeats.Node(rs.getString("name"), rs.getString("roles"), rs.getString("devices"),
                        rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("seen_at", OffsetDateTime.class).toInstant(), rs.getInt("running")))
                .list();
    }

    /** The database's clock, which leases and node heartbeats are measured against. */
    Instant databaseNow() {
        return jdbc.sql("SELECT CURRENT_TIMESTAMP").query(OffsetDateTime.class).single().toInstant();
    }
}
