package dev.attune.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import dev.attune.deployment.DeploymentService;
import dev.attune.errors.Conflict;
import dev.attune.model.ModelService;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.StatementCount;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import tools.jackson.databind.JsonNode;

/**
 * A sweep as a state machine driven by its trials' ends and a reconciler, never by reads (issue 31): a queued
 * trial cancelled queues the next, work done for the sweep is its submitter's, a full queue refuses all or
 * nothing, what a sweep still needs cannot be deleted, and end-of-sweep failures show on the sweep. One CPU
 * worker: a long "blocker" job holds it so that trials stay queued while a test arranges them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "attune.jobs.progress-interval=0s",
        "attune.jobs.max-queued=3",
        "attune.jobs.sweep-reconcile-interval=2s",
        "attune.security.keys[0].name=writer",
        "attune.security.keys[0].sha256=3aec1946afb01344ae0065f3b123820a2144e455c13e5816dbd439e6634f7f26", // writer-key
        "attune.security.keys[0].scopes=read,write",
        "attune.security.keys[1].name=reader",
        "attune.security.keys[1].sha256=ec4408df15da46b328f6f3246fa723d0aa6cb0f0a0dd9c4626080ab1b02aa3b2", // reader-key
        "attune.security.keys[1].scopes=read"})
@Import(StatementCount.class)
class SweepLifecycleApiTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SweepTrials sweepTrials;
    @Autowired
    SweepController controller;
    @Autowired
    ModelService models;
    @MockitoSpyBean
    DeploymentService deployments;

    private Http writer;
    private Http reader;
    private String dataset;

    @BeforeEach
    void setUp() {
        writer = new Http(port, Map.of("X-API-Key", "writer-key"));
        reader = new Http(port, Map.of("X-API-Key", "reader-key"));
        dataset = writer.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(80, 3).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();
    }

    /** Whatever a test left running (it failed half-way) is cancelled: the next starts with an idle worker. */
    @AfterEach
    void cancelLeftovers() {
        for (JsonNode sweep : reader.get("/api/v1/sweeps").json()) {
            if (sweep.get("status").stringValue().equals("RUNNING")) {
                writer.postJson("/api/v1/sweeps/" + sweep.get("id").stringValue() + "/cancel", "");
            }
        }
        for (JsonNode job : reader.get("/api/v1/jobs").json()) {
            String status = job.get("status").stringValue();
            if (status.equals("QUEUED") || status.equals("RUNNING")) {
                writer.postJson("/api/v1/jobs/" + job.get("id").stringValue() + "/cancel", "");
                JobPolling.awaitJob(reader, job.get("id").stringValue(),
                        j -> !List.of("QUEUED", "RUNNING").contains(j.get("status").stringValue()), "end");
            }
        }
    }

    /** Defect 1: nobody reads the sweep; the cancel alone queues the next trial, as the writer's work. */
    @Test
    void aQueuedTrialCancelledQueuesTheNextWithoutAnyReadAndTheSubmitterDeploys() {
        String blocker = blocker();
        JsonNode created = create("""
                {"base": %s, "grid": {"learningRate": [0.003, 0.01]}, "maxParallel": 1, "deploy": "from-events"}"""
                .formatted(base(1, null)));
        String id = created.get("id").stringValue();
        String first = created.get("trials").get(0).get("jobId").stringValue();
        assertThat(writer.postJson("/api/v1/jobs/" + first + "/cancel", "").status()).isEqualTo(202);

        JsonNode next = awaitJobOf(id, job -> !job.get("id").stringValue().equals(first), "the second trial queued");
        assertThat(next.get("submittedBy").stringValue()).as("queued for the sweep's submitter").isEqualTo("writer");
        release(blocker);
        JsonNode sweep = awaitEnd(id);
        assertThat(sweep.get("status").stringValue()).as(sweep.toString()).isEqualTo("SUCCEEDED");
        JsonNode deployment = reader.get("/api/v1/deployments/from-events").json();
        assertThat(deployment.get("modelId").stringValue()).isEqualTo(sweep.get("modelId").stringValue());
        assertThat(deployment.get("history").get(0).get("changedBy").stringValue()).isEqualTo("writer");
    }

    /** Defect 1: a trial whose end no node reported (its node died) is noticed by the reconciler. */
    @Test
    void aTrialThatEndedUnseenIsNoticedByTheReconciler() {
        String blocker = blocker();
        JsonNode created = create("""
                {"base": %s, "grid": {"learningRate": [0.003, 0.01]}, "maxParallel": 1}""".formatted(base(1, null)));
        String id = created.get("id").stringValue();
        String first = created.get("trials").get(0).get("jobId").stringValue();
        endUnseen(first);
        awaitJobOf(id, job -> !job.get("id").stringValue().equals(first), "the second trial queued by the reconciler");
        cancel(id, blocker);
    }

    /** Defect 6: maxParallel holds when many advance the sweep at once (nodes, events, the reconciler). */
    @Test
    void concurrentAdvancesNeverExceedMaxParallel() throws Exception {
        String blocker = blocker();
        JsonNode created = create("""
                {"base": %s, "grid": {"learningRate": [0.001, 0.002, 0.003, 0.004, 0.005, 0.006]}, "maxParallel": 2}"""
                .formatted(base(1, null)));
        String id = created.get("id").stringValue();
        endUnseen(created.get("trials").get(0).get("jobId").stringValue());
        endUnseen(created.get("trials").get(1).get("jobId").stringValue());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> advances = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            advances.add(pool.submit(() -> {
                start.await();
                sweepTrials.advance(id);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> advance : advances) {
            advance.get();
        }
        pool.shutdown();
        int active = jdbc.sql("SELECT COUNT(*) FROM job WHERE sweep_id = ? AND status IN ('QUEUED', 'RUNNING')")
                .param(id).query(Integer.class).single();
        assertThat(active).isEqualTo(2);
        cancel(id, blocker);
    }

    /** Defect 2: trials beyond the queue's room wait; with no room at all the sweep is refused, nothing stored. */
    @Test
    void aSweepBeyondTheQueuesRoomWaitsAndAFullQueueStoresNothing() {
        String blocker = blocker();
        JsonNode created = create("""
                {"base": %s, "grid": {"learningRate": [0.003, 0.01, 0.001], "batchSize": [8, 16]}, "deploy": "roomy"}"""
                .formatted(base(1, null)));
        String id = created.get("id").stringValue();
        List<String> queued = new ArrayList<>();
        created.get("trials").forEach(t -> {
            if (!t.get("jobId").isNull()) {
                queued.add(t.get("jobId").stringValue());
            }
        });
        assertThat(queued).as("3 queued, 3 waiting: " + created).hasSize(3);
        int sweepsBefore = reader.get("/api/v1/sweeps").json().size();
        Http.Response refused = writer.postJson("/api/v1/sweeps", """
                {"base": %s, "grid": {"learningRate": [0.003]}}""".formatted(base(1, null)));
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(reader.get("/api/v1/sweeps").json().size()).as("nothing stored").isEqualTo(sweepsBefore);

        release(blocker);
        JsonNode sweep = awaitEnd(id);
        assertThat(sweep.get("status").stringValue()).as(sweep.toString()).isEqualTo("SUCCEEDED");
        assertThat(sweep.get("trials").findValuesAsString("status")).containsOnly("SUCCEEDED").hasSize(6);
        assertThat(reader.get("/api/v1/deployments/roomy").json().get("modelId").stringValue())
                .isEqualTo(sweep.get("modelId").stringValue());
    }

    /** Defect 4: a deployment that fails at the end shows on the sweep; the worker goes on. */
    @Test
    void aFailedDeploymentShowsOnTheSweep() {
        doThrow(new Conflict("Deployment busy", "it is being changed")).when(deployments).deploy(eq("broken"), any(), any());
        JsonNode created = create("""
                {"base": %s, "grid": {"learningRate": [0.003]}, "deploy": "broken"}""".formatted(base(1, null)));
        JsonNode sweep = awaitEnd(created.get("id").stringValue());
        assertThat(sweep.get("status").stringValue()).as(sweep.toString()).isEqualTo("SUCCEEDED");
        assertThat(sweep.get("deployError").stringValue()).contains("it is being changed");
        String after = writer.postJson("/api/v1/jobs", base(1, null)).json().get("id").stringValue();
        JobPolling.awaitStatus(reader, after, "SUCCEEDED");
    }

    /**
     * Defect 5: a sweep's base and its trials' models are protected while it runs (409 naming it); a winner's
     * model lost anyway leaves the result to the next-best surviving trial.
     */
    @Test
    void whatASweepNeedsIsProtectedAndItsResultFallsToTheNextBestSurvivor() {
        Http.Response imported = writer.postJson("/api/v1/models/import",
                "{\"source\": \"%s\"}".formatted(Golden.dir("tiny-bert")));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String baseId = imported.json().get("id").stringValue();
        JsonNode created = create("""
                {"base": %s, "grid": {"epochs": [1, 1, 300]}, "maxParallel": 1}""".formatted(base(1, baseId)));
        String id = created.get("id").stringValue();
        JsonNode sweep = awaitSweep(id, s -> "RUNNING".equals(s.get("trials").get(2).path("status").asString(null)),
                "its third trial running");

        Http.Response base = writer.delete("/api/v1/models/" + baseId);
        assertThat(base.status()).as(base.body()).isEqualTo(409);
        assertThat(base.json().get("sweeps").toString()).contains(id);
        Http.Response data = writer.delete("/api/v1/datasets/" + dataset);
        assertThat(data.status()).as(data.body()).isEqualTo(409);
        assertThat(data.json().get("sweeps").toString()).contains(id);
        String firstModel = sweep.get("trials").get(0).get("modelId").stringValue();
        String secondModel = sweep.get("trials").get(1).get("modelId").stringValue();
        Http.Response winner = writer.delete("/api/v1/models/" + firstModel);
        assertThat(winner.status()).as(winner.body()).isEqualTo(409);
        assertThat(winner.json().get("detail").stringValue()).contains(id);

        // equal trials: the first would win; its model goes anyway (a race the check cannot close)
        models.discard(firstModel);
        writer.postJson("/api/v1/jobs/" + sweep.get("trials").get(2).get("jobId").stringValue() + "/cancel", "");
        JsonNode ended = awaitEnd(id);
        assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("SUCCEEDED");
        assertThat(ended.get("modelId").stringValue()).isEqualTo(secondModel);
        assertThat(writer.delete("/api/v1/models/" + baseId).status()).as("ended: no longer needed").isEqualTo(204);
    }

    /** Defect 6: reading a sweep is one or two statements, however many trials and evaluations it has. */
    @Test
    void readingASweepIsTwoStatements() {
        JsonNode created = create("""
                {"base": %s, "grid": {"learningRate": [0.003, 0.01, 0.001]}, "maxParallel": 2}""".formatted(base(2, null)));
        String id = created.get("id").stringValue();
        awaitEnd(id);
        StatementCount.Counted<SweepResponse> read = StatementCount.of(() -> controller.get(id));
        assertThat(read.value().trials()).hasSize(3);
        assertThat(read.value().trials()).allSatisfy(t -> assertThat(t.evaluations()).isEqualTo(2));
        assertThat(read.statements()).isLessThanOrEqualTo(2);
    }

    @Test
    void listingSweepsIsTwoStatementsWhateverTheirNumber() {
        awaitEnd(create("""
                {"base": %s, "grid": {"learningRate": [0.003, 0.01]}}""".formatted(base(2, null))).get("id").stringValue());
        StatementCount.Counted<List<SweepResponse>> listed = StatementCount.of(() -> controller.list());
        assertThat(listed.value()).hasSizeGreaterThanOrEqualTo(2); // this test's and the others' sweeps
        assertThat(listed.value()).allSatisfy(sweep -> assertThat(sweep.trials()).isNotEmpty());
        assertThat(listed.statements()).isLessThanOrEqualTo(2);
    }

    private String blocker() {
        String id = writer.postJson("/api/v1/jobs", base(300, null)).json().get("id").stringValue();
        JobPolling.awaitStatus(reader, id, "RUNNING");
        return id;
    }

    private void release(String blocker) {
        writer.postJson("/api/v1/jobs/" + blocker + "/cancel", "");
        JobPolling.awaitStatus(reader, blocker, "CANCELLED");
    }

    private void cancel(String sweep, String blocker) {
        writer.postJson("/api/v1/sweeps/" + sweep + "/cancel", "");
        release(blocker);
    }

    /** A trial ends without anyone told, as when the node that ended it died at once. */
    private void endUnseen(String jobId) {
        jdbc.sql("UPDATE job SET status = 'CANCELLED', finished_at = CURRENT_TIMESTAMP WHERE id = ? AND status = 'QUEUED'")
                .param(jobId).update();
    }

    private JsonNode create(String body) {
        Http.Response created = writer.postJson("/api/v1/sweeps", body);
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        return created.json();
    }

    private String base(int epochs, String baseModel) {
        return """
                {"datasetId": "%s", "baseModel": "%s", "epochs": %d, "maxLength": 32, "seed": 3, "validationSplit": 0.25,
                 "batchSize": 8}""".formatted(dataset, baseModel != null ? baseModel : Golden.dir("tiny-bert"), epochs);
    }

    /** Follows the job list (not the sweep: its GET must not be what moves it) until a job of the sweep matches. */
    private JsonNode awaitJobOf(String sweepId, Predicate<JsonNode> condition, String what) {
        long deadline = System.currentTimeMillis() + 20_000;
        List<JsonNode> seen = List.of();
        while (System.currentTimeMillis() < deadline) {
            seen = new ArrayList<>();
            for (JsonNode job : reader.get("/api/v1/jobs").json()) {
                if (sweepId.equals(job.path("sweepId").asString(null))) {
                    seen.add(job);
                    if (condition.test(job)) {
                        return job;
                    }
                }
            }
            sleep();
        }
        throw new AssertionError("sweep " + sweepId + ": never " + what + "; its jobs: " + seen);
    }

    private JsonNode awaitEnd(String id) {
        return awaitSweep(id, s -> !s.get("status").stringValue().equals("RUNNING"), "ended");
    }

    private JsonNode awaitSweep(String id, Predicate<JsonNode> condition, String what) {
        long deadline = System.currentTimeMillis() + 240_000;
        JsonNode sweep = reader.get("/api/v1/sweeps/" + id).json();
        while (!condition.test(sweep)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("sweep " + id + " never " + what + ": " + sweep);
            }
            sleep();
            sweep = reader.get("/api/v1/sweeps/" + id).json();
        }
        return sweep;
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
