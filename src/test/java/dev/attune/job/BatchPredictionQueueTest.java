package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.djl.Device;

import dev.attune.serving.PredictorFactory;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Batch predictions on the queue, with the workers played by the test (this node has no worker role): a worker
 * that lost its job writes no results, a batch prediction is claimed before training jobs queued earlier, and a
 * running one that is deleted is cancelled and removed once it ended (issue 31).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "attune.node.roles=api,serving", "attune.jobs.progress-interval=0s", "attune.predict.precision=fp32",
        "attune.predictions.cleanup-interval=200ms"})
class BatchPredictionQueueTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration LEASE = Duration.ofMinutes(5);
    private static Path dataDir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        dataDir = TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    JobQueue queue;
    @Autowired
    JobRunner runner;
    @Autowired
    JdbcClient jdbc;
    @MockitoSpyBean
    PredictorFactory models;

    private Http http;
    private static String model;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        if (model == null) {
            model = importModel();
        }
    }

    @AfterEach
    void emptyTheQueue() {
        jdbc.sql("UPDATE job SET status = 'CANCELLED' WHERE status IN ('QUEUED', 'RUNNING')").update();
    }

    /**
     * Node a claims the job and pauses (a GC pause, SIGSTOP) after loading the model for longer than its lease:
     * node b takes the job over and scores it to the end. Node a then wakes, its lease still trusted on its own
     * clock, and scores its first chunk: the results must stay b's, every row once.
     */
    @Test
    void aWorkerThatLostItsBatchPredictionAddsNothingToItsResults() {
        String dataset = upload(TrainingData.csv(300, 7));
        String id = submit(dataset, "");
        Job asA = queue.claim("node-a/cpu/1", "node-a", "cpu", LEASE).orElseThrow();
        assertThat(asA.id()).isEqualTo(id);
        JobLease leaseA = new JobLease(id, "node-a/cpu/1", LEASE, System.nanoTime());
        AtomicBoolean paused = new AtomicBoolean();
        doAnswer(call -> {
            if (paused.compareAndSet(false, true)) {
                takeOverAndFinish(id);
            }
            return call.callRealMethod();
        }).when(models).open(eq(model));

        runner.run(asA, leaseA, Device.cpu(), () -> false, () -> false);

        assertThat(paused).isTrue();
        JsonNode done = http.get("/api/v1/predictions/" + id).json();
        assertThat(done.get("status").stringValue()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("attempts").intValue()).isEqualTo(2);
        Http.Response results = http.get("/api/v1/predictions/" + id + "/results");
        assertThat(results.status()).as(results.body()).isEqualTo(200);
        List<Long> indices = results.body().lines().map(line -> JSON.readTree(line).get("index").longValue()).toList();
        assertThat(indices).as("every row once, in order: none of the worker that lost the job")
                .isEqualTo(java.util.stream.LongStream.range(0, 300).boxed().toList());
        assertThat(http.get("/api/v1/predictions/" + id + "/results?format=csv").body().lines().count()).isEqualTo(301);
    }

    /**
     * The same pause with a selection (issue 33): node b scores, selects and records its selection; node a wakes, its
     * first commit is refused, and it stops before selecting: the selection read is b's, the only one written.
     */
    @Test
    void aWorkerThatLostItsBatchPredictionWritesNoSelection() throws Exception {
        String dataset = upload(TrainingData.csv(300, 9));
        String id = submit(dataset, ", \"select\": {\"strategy\": \"least_confidence\", \"count\": 300}");
        Job asA = queue.claim("node-a/cpu/1", "node-a", "cpu", LEASE).orElseThrow();
        JobLease leaseA = new JobLease(id, "node-a/cpu/1", LEASE, System.nanoTime());
        AtomicBoolean paused = new AtomicBoolean();
        doAnswer(call -> {
            if (paused.compareAndSet(false, true)) {
                takeOverAndFinish(id);
            }
            return call.callRealMethod();
        }).when(models).open(eq(model));

        runner.run(asA, leaseA, Device.cpu(), () -> false, () -> false);

        JsonNode done = http.get("/api/v1/predictions/" + id).json();
        assertThat(done.get("status").stringValue()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("select").get("selected").intValue()).isEqualTo(300);
        List<JsonNode> rows = http.get("/api/v1/predictions/" + id + "/selection").json().get("rows").valueStream()
                .toList();
        assertThat(rows.stream().map(r -> r.get("index").longValue()).distinct().count()).as("every row once")
                .isEqualTo(300);
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).get("score").doubleValue()).as("lowest top probability first")
                    .isGreaterThanOrEqualTo(rows.get(i - 1).get("score").doubleValue());
        }
        try (var files = Files.list(dataDir.resolve("jobs").resolve(id))) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.contains("selection")).toList())
                    .as("node a selected nothing").hasSize(1);
        }
    }

    /** Node a's lease ran out: node b takes the job back, claims it and runs it to the end, while node a sleeps. */
    private void takeOverAndFinish(String id) {
        jdbc.sql("UPDATE job SET lease_expires_at = CURRENT_TIMESTAMP - INTERVAL '1' SECOND WHERE id = ?").param(id)
                .update();
        assertThat(queue.takeBack(id, "node-b", true, JobStatus.QUEUED, null, null)).isTrue();
        Job asB = queue.claim("node-b/cpu/1", "node-b", "cpu", LEASE).orElseThrow();
        JobLease leaseB = new JobLease(id, "node-b/cpu/1", LEASE, System.nanoTime());
        CompletableFuture.runAsync(() -> runner.run(asB, leaseB, Device.cpu(), () -> false, () -> false)).join();
        assertThat(http.get("/api/v1/predictions/" + id).json().get("status").stringValue()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aBatchPredictionIsClaimedBeforeTrainingJobsQueuedEarlier() {
        String dataset = upload(TrainingData.csv(40, 3));
        Http.Response training = http.postJson("/api/v1/jobs",
                "{\"datasetId\": \"%s\", \"baseModel\": \"%s\", \"epochs\": 1}".formatted(dataset, model));
        assertThat(training.status()).as(training.body()).isEqualTo(202);
        String prediction = submit(dataset, "");
        String urgentTraining = http.postJson("/api/v1/jobs", ("{\"datasetId\": \"%s\", \"baseModel\": \"%s\", "
                + "\"epochs\": 1, \"priority\": 100}").formatted(dataset, model)).json().get("id").stringValue();

        assertThat(queue.claim("w/cpu/1", "w", "cpu", LEASE).orElseThrow().id()).as("an explicit priority wins")
                .isEqualTo(urgentTraining);
        assertThat(queue.claim("w/cpu/1", "w", "cpu", LEASE).orElseThrow().id())
                .as("then the batch prediction, before the training job of default priority submitted first")
                .isEqualTo(prediction);
        assertThat(queue.claim("w/cpu/1", "w", "cpu", LEASE).orElseThrow().id())
                .isEqualTo(training.json().get("id").stringValue());

        List<String> listed = ids(http.get("/api/v1/predictions").json());
        assertThat(listed).as("batch predictions only").contains(prediction)
                .doesNotContain(urgentTraining, training.json().get("id").stringValue());
    }

    @Test
    void aRunningBatchPredictionThatIsDeletedIsCancelledAndRemovedOnceItEnded() throws Exception {
        String id = submit(upload(TrainingData.csv(20, 5)), "");
        queue.claim("w/cpu/1", "w", "cpu", LEASE).orElseThrow();
        Path dir = dataDir.resolve("jobs").resolve(id);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("job.log"), "started\n");

        Http.Response deleted = http.delete("/api/v1/predictions/" + id);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(202);
        assertThat(queue.cancelRequested(id)).as("its worker is asked to stop").isTrue();
        assertThat(http.get("/api/v1/predictions/" + id).status()).as("gone for the API at once").isEqualTo(404);
        Thread.sleep(600); // several clean-up rounds: a running job is not removed under its worker
        assertThat(dir).isDirectory();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM job WHERE id = ?").param(id).query(Integer.class).single()).isOne();

        assertThat(queue.release(id, "w/cpu/1", JobStatus.CANCELLED, null)).isTrue(); // the worker stops
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline && (Files.exists(dir) || jdbc.sql("SELECT COUNT(*) FROM job "
                + "WHERE id = ?").param(id).query(Integer.class).single() > 0)) {
            Thread.sleep(50);
        }
        assertThat(dir).as("its files, once it ended").doesNotExist();
        assertThat(jdbc.sql("SELECT status FROM job WHERE id = ?").param(id).query(String.class).optional())
                .as("its record").isEmpty();
    }

    private String submit(String dataset, String more) {
        Http.Response submitted = http.postJson("/api/v1/predictions",
                "{\"datasetId\": \"%s\", \"modelId\": \"%s\"%s}".formatted(dataset, model, more));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        return submitted.json().get("id").stringValue();
    }

    private static List<String> ids(JsonNode list) {
        return list.valueStream().map(p -> p.get("id").stringValue()).toList();
    }

    private String importModel() {
        Http.Response response = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"name\": \"sst2\"}".formatted(Golden.dir("tiny-bert-sst2")));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }

    private String upload(String csv) {
        Http.Response response = http.upload("/api/v1/datasets", "rows.csv", csv.getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }
}
