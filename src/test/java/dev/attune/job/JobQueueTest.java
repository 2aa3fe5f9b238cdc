package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.attune.support.Postgres;
import dev.attune.checkpoint.ModelReference;
import dev.attune.training.TrainingOptions;
import dev.attune.finetune.FineTuningConfig;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The job table as a queue, on H2 and on a real PostgreSQL, through the same migrations: claims in priority
 * order, concurrent claims that never take a job twice, leases that fence a worker's writes once another
 * node took its job over, and the take-back of jobs whose worker is gone.
 */
class JobQueueTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private DataSource dataSource;
    private JdbcClient jdbc;
    private JobRepository jobs;
    private JobQueue queue;
    private final List<Object> ended = new java.util.concurrent.CopyOnWriteArrayList<>();

    private void open(String database) {
        dataSource = database.equals("postgresql")
                ? new DriverManagerDataSource(Postgres.newDatabase(), "postgres", "")
                : new DriverManagerDataSource("jdbc:h2:mem:queue-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + database).load().migrate();
        jdbc = JdbcClient.create(dataSource);
        TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        JsonMapper json = JsonMapper.builder().build();
        jobs = new JobRepository(jdbc, json, transactions, ended::add, KindsForTests.all(json));
        queue = new JobQueue(jdbc, transactions, jobs, ended::add);
    }

    /** A connection in the middle of a transaction that updated the job row (and so holds its lock). */
    private Connection lockedJobRow(String id) throws SQLException {
        Connection connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        try (PreparedStatement update = connection.prepareStatement("UPDATE job SET attempts = attempts WHERE id = ?")) {
            update.setString(1, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        return connection;
    }

    private String submit(int priority, Instant createdAt) {
        String id = UUID.randomUUID().toString();
        jobs.insert(new Job(id, FineTuningConfig.KIND, JobStatus.QUEUED, new FineTuningConfig(null,
                ModelReference.parse("org/base"), null, null, "job", priority, TrainingOptions.none()), createdAt.truncatedTo(ChronoUnit.MILLIS), Job.Execution.NOT_STARTED, null, null));
        return id;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void claimsTheHighestPriorityThenTheOldestAndRecordsWhoRunsIt(String database) {
        open(database);
        Instant now = Instant.now();
        String old = submit(0, now.minusSeconds(10));
        String urgent = submit(5, now);
        String young = submit(0, now.minusSeconds(5));

        Job first = queue.claim("a/cpu/1", "node-a", "cpu", LEASE).orElseThrow();
        assertThat(first.id()).isEqualTo(urgent);
        assertThat(first.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(first.execution().node()).isEqualTo("node-a");
        assertThat(first.execution().device()).isEqualTo("cpu");
        assertThat(queue.claim("b/gpu0/1", "node-b", "gpu0", LEASE).orElseThrow().id()).isEqualTo(old);
        assertThat(queue.claim("b/gpu1/1", "node-b", "gpu1", LEASE).orElseThrow().id()).isEqualTo(young);
        assertThat(queue.claim("b/gpu1/1", "node-b", "gpu1", LEASE)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void concurrentWorkersNeverClaimTheSameJobTwice(String database) throws Exception {
        open(database);
        int count = 300;
        Set<String> submitted = new HashSet<>();
        Instant start = Instant.now();
        for (int i = 0; i < count; i++) {
            submitted.add(submit(i % 3, start.plusMillis(i)));
        }
        int workers = 8;
        Map<String, String> claimedBy = new ConcurrentHashMap<>();
        List<String> duplicates = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<Integer>> claims = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            String owner = "node-" + (w % 2) + "/cpu/" + w;
            claims.add(pool.submit(() -> {
                int claimed = 0;
                for (Optional<Job> job = queue.claim(owner, "n", "cpu", LEASE); job.isPresent();
                        job = queue.claim(owner, "n", "cpu", LEASE)) {
                    if (claimedBy.putIfAbsent(job.get().id(), owner) != null) {
                        synchronized (duplicates) {
                            duplicates.add(job.get().id());
                        }
                    }
                    claimed++;
                }
                return claimed;
            }));
        }
        int total = 0;
        List<Integer> perWorker = new ArrayList<>();
        for (Future<Integer> claim : claims) {
            perWorker.add(claim.get());
            total += perWorker.get(perWorker.size() - 1);
        }
        pool.shutdown();

        assertThat(duplicates).isEmpty();
        assertThat(total).isEqualTo(count);
        assertThat(claimedBy.keySet()).isEqualTo(submitted);
        assertThat(perWorker.stream().filter(n -> n > 0).count()).as("claims spread over the workers " + perWorker)
                .isGreaterThan(1);
        // the database agrees: every job claimed once, by the worker that saw it
        assertThat(jdbc.sql("SELECT COUNT(*) FROM job WHERE status = 'RUNNING' AND attempts = 1").query(Integer.class)
                .single()).isEqualTo(count);
        jdbc.sql("SELECT id, lease_owner FROM job").query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2))).list()
                .forEach(row -> assertThat(row.getValue()).isEqualTo(claimedBy.get(row.getKey())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aWorkerThatLostItsLeaseWritesNothingMore(String database) {
        open(database);
        String id = submit(0, Instant.now());
        Job claimed = queue.claim("a/cpu/1", "node-a", "cpu", LEASE).orElseThrow();
        assertThat(jobs.recordProgress(id, "a/cpu/1", "{\"phase\":\"training\"}")).isTrue();
        assertThat(jobs.insertEvaluation(id, "a/cpu/1", 1, evaluation(10, 0.5, 0.7, "{\"accuracy\":0.6}"))).isTrue();
        assertThat(jobs.insertEvaluation(id, "a/cpu/1", 1, evaluation(10, 0.5, 0.6, "{\"accuracy\":0.7}")))
                .as("the same point again replaces it").isTrue();
        assertThat(queue.renew(id, "b/cpu/1", LEASE)).as("only the owner renews").isFalse();
        assertThat(queue.expired()).isEmpty();

        // node a stops renewing: its lease runs out (moved into the past rather than waited for)
        jdbc.sql("UPDATE job SET lease_expires_at = CURRENT_TIMESTAMP - INTERVAL '1' SECOND WHERE id = ?").param(id).update();
        assertThat(queue.expired()).extracting(Job::id).containsExactly(id);
        assertThat(queue.takeBack(id, "node-b", true, JobStatus.QUEUED, null, null)).isTrue();
        assertThat(queue.takeBack(id, "node-c", true, JobStatus.QUEUED, null, null)).as("one node wins").isFalse();
        Job resumed = queue.claim("b/cpu/1", "node-b", "cpu", LEASE).orElseThrow();
        assertThat(resumed.attempts()).isEqualTo(2);
        assertThat(resumed.execution().node()).isEqualTo("node-b");

        // node a wakes up: every write of its old lease changes nothing
        assertThat(queue.renew(id, "a/cpu/1", LEASE)).isFalse();
        assertThat(jobs.recordProgress(id, "a/cpu/1", "{\"phase\":\"stale\"}")).isFalse();
        assertThat(jobs.insertEvaluation(id, "a/cpu/1", 1, evaluation(20, 1.0, 0.1, "{\"accuracy\":0.9}"))).isFalse();
        assertThat(jobs.recordError(id, "a/cpu/1", "x", "y")).isFalse();
        assertThat(queue.release(id, "a/cpu/1", JobStatus.SUCCEEDED, null)).isFalse();
        Job now = jobs.findById(id).orElseThrow();
        assertThat(now.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(now.execution().progress()).isNotEqualTo("{\"phase\":\"stale\"}");
        assertThat(jobs.evaluations(id)).extracting(JobRepository.EvaluationRow::step).containsExactly(10L);
        assertThat(jobs.evaluations(id).get(0).metrics()).contains("0.7");
        assertThat(now.execution().failure()).isNull();

        // the new owner's writes and its release do count
        assertThat(queue.renew(id, "b/cpu/1", LEASE)).isTrue();
        assertThat(queue.release(id, "b/cpu/1", JobStatus.SUCCEEDED, null)).isTrue();
        Job done = jobs.findById(id).orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.execution().finishedAt()).isNotNull();
        assertThat(queue.expired()).isEmpty();
        assertThat(claimed.id()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aJobRowLockedByAFrozenNodeIsSkippedByTheTakeBackNotWaitedFor(String database) throws Exception {
        open(database);
        String id = submit(0, Instant.now());
        queue.claim("a/cpu/1", "node-a", "cpu", LEASE).orElseThrow();
        jdbc.sql("UPDATE job SET lease_expires_at = CURRENT_TIMESTAMP - INTERVAL '1' SECOND WHERE id = ?").param(id).update();
        // node a froze between its update of the job row and the commit: the row stays locked
        try (Connection frozen = lockedJobRow(id)) {
            long start = System.nanoTime();
            assertThat(queue.takeBack(id, "node-b", true, JobStatus.QUEUED, null, null)).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            frozen.rollback();
        }
        assertThat(queue.takeBack(id, "node-b", true, JobStatus.QUEUED, null, null)).as("the next round").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aLeaseEndsAfterItsTimeOnTheDatabaseClockAndARenewalExtendsIt(String database) throws Exception {
        open(database);
        String id = submit(0, Instant.now());
        queue.claim("a/cpu/1", "node-a", "cpu", Duration.ofMillis(1)).orElseThrow();
        Thread.sleep(20);
        assertThat(queue.expired()).extracting(Job::id).containsExactly(id);
        assertThat(queue.renew(id, "a/cpu/1", LEASE)).as("not taken back yet: still its owner's to renew").isTrue();
        assertThat(queue.expired()).isEmpty();
        Instant end = jdbc.sql("SELECT lease_expires_at FROM job WHERE id = ?").param(id)
                .query(java.time.OffsetDateTime.class).single().toInstant();
        assertThat(end).isBetween(queue.databaseNow().plus(LEASE).minusSeconds(5), queue.databaseNow().plus(LEASE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aRestartedNodeTakesBackItsOwnJobsAndCancelsAskedForReachTheWorker(String database) {
        open(database);
        String mine = submit(0, Instant.now().minusSeconds(2));
        String theirs = submit(0, Instant.now().minusSeconds(1));
        queue.claim("a/cpu/1", "node-a", "cpu", LEASE).orElseThrow();
        queue.claim("b/cpu/1", "node-b", "cpu", LEASE).orElseThrow();

        assertThat(queue.runningOn("node-a")).extracting(Job::id).containsExactly(mine);
        assertThat(queue.takeBack(mine, "node-a", false, JobStatus.QUEUED, null, null)).isTrue();
        assertThat(jobs.findById(theirs).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);

        assertThat(queue.cancelRequested(theirs)).isFalse();
        queue.requestCancel(theirs);
        assertThat(queue.cancelRequested(theirs)).isTrue();
        assertThat(queue.release(theirs, "b/cpu/1", JobStatus.CANCELLED, null)).isTrue();

        queue.heartbeat("node-a", "api,worker,serving", "cpu", Instant.now());
        queue.heartbeat("node-a", "api,worker,serving", "cpu,cpu", Instant.now());
        queue.heartbeat("node-b", "worker", "gpu0,gpu1", Instant.now());
        assertThat(queue.nodes()).extracting(Heartbeats.Node::name, Heartbeats.Node::devices)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("node-a", "cpu,cpu"),
                        org.assertj.core.groups.Tuple.tuple("node-b", "gpu0,gpu1"));
    }

    /** Issue 31: a job's end is published once, by the conditional update that made it, whichever way it ended. */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void everyEndIsPublishedOnceByTheChangeThatMadeIt(String database) {
        open(database);
        String queued = submit(0, Instant.now().minusSeconds(3));
        String lost = submit(0, Instant.now().minusSeconds(2));
        String handedBack = submit(0, Instant.now().minusSeconds(1));
        assertThat(jobs.cancelQueued(queued)).isTrue();
        assertThat(jobs.cancelQueued(queued)).isFalse();
        queue.claim("a/cpu/1", "node-a", "cpu", LEASE).orElseThrow();
        queue.claim("a/cpu/2", "node-a", "cpu", LEASE).orElseThrow();
        assertThat(queue.takeBack(lost, "node-a", false, JobStatus.FAILED, "interrupted", "gone")).isTrue();
        assertThat(queue.release(handedBack, "a/cpu/2", JobStatus.QUEUED, null)).as("not an end").isTrue();
        assertThat(queue.release(lost, "a/cpu/1", JobStatus.SUCCEEDED, null)).as("no longer its").isFalse();
        assertThat(ended).containsExactly(new JobEnded(queued, JobStatus.CANCELLED), new JobEnded(lost, JobStatus.FAILED));
    }

    private static JobEvaluation evaluation(long step, double epoch, double trainLoss, String metricsJson) {
        return new JobEvaluation(step, epoch, trainLoss, true, JsonMapper.builder().build().readTree(metricsJson));
    }
}
