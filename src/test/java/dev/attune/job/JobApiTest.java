package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.attune.files.FileTrees;

import ai.djl.Device;
import dev.attune.model.ModelService;
import dev.attune.modeling.ClassifierModel;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.SseRecorder;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Jobs through real HTTP, H2 and DJL training of a tiny golden model. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.jobs.max-queued=3", "attune.jobs.progress-interval=0s"})
class JobApiTest {

    private static final String JOBS = "/api/v1/jobs";
    private static Path dataDir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        dataDir = TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobExecutor executor;

    @Autowired
    ModelService models;

    Http http;
    String datasetId;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        datasetId = http.upload("/api/v1/datasets", "train.csv", TrainingData.csv(80, 1).getBytes(StandardCharsets.UTF_8),
                Map.of()).json().get("id").stringValue();
    }

    @Test
    void jobRunsToSucceededWithMetricsEventsAndAUsableModel() throws Exception {
        String blocker = submit(job(40, 0)).json().get("id").stringValue();
        awaitStatus(blocker, "RUNNING");
        Http.Response submitted = submit(job(4, 0));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode body = submitted.json();
        String id = body.get("id").stringValue();
        assertThat(body.get("status").stringValue()).isEqualTo("QUEUED");
        assertThat(submitted.headers().getLocation()).hasToString(JOBS + "/" + id);
        assertThat(body.get("config").get("options").get("epochs").intValue()).isEqualTo(4);
        assertThat(body.get("config").get("options").get("scheduler").stringValue()).isEqualTo("linear");

        SseRecorder sse = new SseRecorder("http://localhost:" + port + JOBS + "/" + id + "/events");
        assertThat(sse.awaitFirstEvent(Duration.ofSeconds(10)).data()).contains("QUEUED");
        assertThat(http.postJson(JOBS + "/" + blocker + "/cancel", "").status()).isEqualTo(202);
        List<SseRecorder.Event> events = sse.awaitEnd(Duration.ofMinutes(2));

        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(awaitStatus(blocker, "CANCELLED").get("finishedAt").isNull()).isFalse();
        assertThat(done.get("progress").get("step").intValue()).isEqualTo(done.get("progress").get("totalSteps").intValue());
        assertThat(done.get("progress").get("phase").stringValue()).as("an ended job is not 'saving'").isEqualTo("done");
        // a default name says the strategy and ends with the job's short id: two such jobs never share one
        assertThat(done.get("name").stringValue()).contains(" full on ").endsWith(" " + id.substring(0, 8))
                .doesNotContain(".csv");
        assertThat(done.get("bestMetrics").get("metrics").get("accuracy").doubleValue()).isGreaterThan(0.5);
        // one shape: the validation figures where the test figures are, .validationMetrics.accuracy
        assertThat(done.get("validationMetrics")).isEqualTo(done.get("bestMetrics").get("metrics"));
        assertThat(done.get("startedAt").isNull()).isFalse();
        String modelId = done.get("modelId").stringValue();

        JsonNode metrics = http.get(JOBS + "/" + id + "/metrics").json();
        assertThat(metrics).hasSize(4);
        assertThat(metrics.get(0).get("metrics").has("confusionMatrix")).isTrue();
        assertThat(events.stream().map(SseRecorder.Event::name)).contains("progress", "evaluation", "status");
        assertThat(events.stream().filter(e -> e.name().equals("progress")).map(SseRecorder.Event::data))
                .anyMatch(data -> data.contains("\"phase\":\"preparing\""))
                .anyMatch(data -> data.contains("\"phase\":\"evaluating\""))
                .anyMatch(data -> data.contains("\"phase\":\"training\""));
        assertThat(events.get(events.size() - 1).data()).contains("SUCCEEDED");
        assertThat(http.get(JOBS + "/" + id + "/log").body()).contains("started").contains("succeeded");

        JsonNode model = http.get("/api/v1/models/" + modelId).json();
        assertThat(model.get("origin").stringValue()).isEqualTo("JOB");
        assertThat(model.get("jobId").stringValue()).isEqualTo(id);
        assertThat(model.get("metrics").get("validation").get("accuracy").doubleValue()).isGreaterThan(0.5);
        try (ClassifierModel trained = ClassifierModel.load(models.directoryOf(modelId), Device.cpu())) {
            assertThat(trained.config().labels()).containsExactly("negative", "positive");
            float[][] p = trained.outputs(List.of("a great and charming film", "a dull and boring mess"), 32);
            assertThat(p[0][1]).isGreaterThan(p[1][1]);
        }
        assertThat(http.get(JOBS + "?status=SUCCEEDED").json().findValuesAsString("id")).contains(id);

        JsonNode durations = http.get("/actuator/metrics/attune.jobs.duration?tag=status:SUCCEEDED").json();
        assertThat(durations.get("measurements").get(0).get("value").doubleValue()).isGreaterThanOrEqualTo(1);
        assertThat(http.get("/actuator/metrics/attune.jobs.queued").status()).isEqualTo(200);
        assertThat(http.get("/actuator/metrics/attune.jobs.running").status()).isEqualTo(200);
        assertThat(http.get("/actuator/metrics/attune.training.samples.per.second").status()).isEqualTo(200);
    }

    @Test
    void explicitValidationAndTestDataSetsAreUsedAndTheTestIsScored() {
        String validation = http.upload("/api/v1/datasets", "val.csv", TrainingData.csv(20, 2).getBytes(StandardCharsets.UTF_8),
                Map.of()).json().get("id").stringValue();
        String test = http.upload("/api/v1/datasets", "test.csv", TrainingData.csv(30, 3).getBytes(StandardCharsets.UTF_8),
                Map.of()).json().get("id").stringValue();
        String json = """
                {"datasetId": "%s", "validationDatasetId": "%s", "testDatasetId": "%s", "baseModel": "%s",
                 "strategy": "last_layers", "lastLayers": 1, "epochs": 2, "learningRate": 0.003, "batchSize": 8,
                 "metricForBest": "f1_macro", "evalEverySteps": 5}""".formatted(datasetId, validation, test,
                Golden.dir("tiny-distilbert"));
        String id = submit(json).json().get("id").stringValue();
        JsonNode done = awaitStatus(id, "SUCCEEDED");

        JsonNode metrics = http.get(JOBS + "/" + id + "/metrics").json();
        assertThat(metrics.get(0).get("step").intValue()).isEqualTo(5);
        assertThat(metrics.get(0).get("metrics").get("count").intValue()).isEqualTo(20);
        JsonNode model = http.get("/api/v1/models/" + done.get("modelId").stringValue()).json();
        assertThat(model.get("metrics").get("test").get("count").intValue()).isEqualTo(30);
        assertThat(done.get("testMetrics").get("count").intValue()).isEqualTo(30);
        assertThat(done.get("testMetrics").get("accuracy").doubleValue())
                .isEqualTo(model.get("metrics").get("test").get("accuracy").doubleValue());
        assertThat(model.get("metrics").get("metricForBest").stringValue()).isEqualTo("f1_macro");
        assertThat(model.get("architecture").stringValue()).isEqualTo("distilbert");
    }

    @Test
    void aBaseModelInUseCannotBeDeletedAndARunSurvivesItsBaseDirectoryVanishing() throws Exception {
        Path copy = copyOfTinyBert("pinned");
        String modelId = http.postJson("/api/v1/models/import", "{\"source\": \"" + Golden.dir("tiny-bert-sst2") + "\"}")
                .json().get("id").stringValue();

        String fromPath = submit(job(12, 0).replace(Golden.dir("tiny-bert").toString(), copy.toString()))
                .json().get("id").stringValue();
        String fromModel = submit(job(1, 0).replace(Golden.dir("tiny-bert").toString(), modelId)).json().get("id").stringValue();
        awaitStatus(fromPath, "RUNNING");
        while (http.get(JOBS + "/" + fromPath).json().path("progress").path("step").asInt(0) < 1) {
            Thread.sleep(20); // training has started: the run pinned its base checkpoint
        }
        FileTrees.delete(copy); // the running job's base checkpoint disappears under it

        Http.Response refused = http.delete("/api/v1/models/" + modelId);
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("title").stringValue()).isEqualTo("Model in use");
        assertThat(refused.json().get("jobs").toString()).contains(fromModel);

        JsonNode done = awaitStatus(fromPath, "SUCCEEDED");
        assertThat(http.get("/api/v1/models/" + done.get("modelId").stringValue()).status()).isEqualTo(200);
        awaitStatus(fromModel, "SUCCEEDED");
        assertThat(http.delete("/api/v1/models/" + modelId).status()).isEqualTo(204);
    }

    @Test
    void aFailedJobSaysWhyWithoutStackTracesAndLeavesNoWorkFiles() throws Exception {
        Path copy = copyOfTinyBert("vanishing");
        String blocker = submit(job(40, 0)).json().get("id").stringValue();
        awaitStatus(blocker, "RUNNING");
        String doomed = submit(job(1, 0).replace(Golden.dir("tiny-bert").toString(), copy.toString()))
                .json().get("id").stringValue();
        FileTrees.delete(copy); // gone before the queued job starts: nothing to pin
        http.postJson(JOBS + "/" + blocker + "/cancel", "");

        JsonNode failed = awaitStatus(doomed, "FAILED");
        assertThat(failed.get("error").get("type").stringValue()).isEqualTo("InvalidInput");
        assertThat(failed.get("error").get("message").stringValue()).contains("is not an existing directory");
        String log = http.get(JOBS + "/" + doomed + "/log").body();
        assertThat(log).contains("failed (InvalidInput)").doesNotContain("\tat ").doesNotContain("Exception:");
        Path runDir = dataDir.resolve("jobs").resolve(doomed);
        assertThat(runDir.resolve("base")).doesNotExist();
        assertThat(runDir.resolve("best")).doesNotExist();
        assertThat(runDir.resolve("resume")).doesNotExist();
    }

    @Test
    void withMaxTrainSamplesTheValidationShareComesFromTheSampleNotTheWholeFile() {
        String id = submit(job(1, 0).replace("\"epochs\": 1,", "\"epochs\": 1, \"maxTrainSamples\": 21,"))
                .json().get("id").stringValue();
        awaitStatus(id, "SUCCEEDED");
        // 80 rows, 21 to train, validationSplit 0.25: a sample of 28 (14 per label), a quarter of each label
        // held out (4 + 4, rounded per label) rather than 20 of the whole 80
        assertThat(http.get(JOBS + "/" + id + "/log").body()).contains("a stratified sample of 28 of 80 rows")
                .contains("20 training and 8 validation examples");
        assertThat(http.get(JOBS + "/" + id + "/metrics").json().get(0).get("metrics").get("count").intValue())
                .isEqualTo(8);
    }

    @Test
    void everyNumericOptionIsBoundedAndUnknownOrFractionalFieldsAreRefused() {
        String json = """
                {"datasetId": "%s", "baseModel": "%s", "batchSize": 1000000, "epochs": 1000000000,
                 "maxLength": 100000, "gradientAccumulationSteps": 5000, "evalEverySteps": -1, "priority": 1000}"""
                .formatted(datasetId, Golden.dir("tiny-bert"));
        Http.Response response = http.postJson(JOBS, json);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("errors").toString()).contains("batchSize", "epochs", "maxLength",
                "gradientAccumulationSteps", "evalEverySteps", "priority");

        Http.Response fraction = http.postJson(JOBS, "{\"datasetId\": \"%s\", \"baseModel\": \"%s\", \"epochs\": 1.5}"
                .formatted(datasetId, Golden.dir("tiny-bert")));
        assertThat(fraction.status()).isEqualTo(400);
        assertThat(fraction.json().get("field").stringValue()).isEqualTo("epochs");
        assertThat(fraction.json().get("detail").stringValue()).contains("it must be a whole number");

        Http.Response unknown = http.postJson(JOBS, "{\"datasetId\": \"%s\", \"baseModel\": \"%s\", \"epoch\": 2}"
                .formatted(datasetId, Golden.dir("tiny-bert")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("title").stringValue()).isEqualTo("Unknown field");
        assertThat(unknown.json().get("detail").stringValue()).contains("'epoch'", "epochs");
        assertThat(http.get(JOBS).body()).doesNotContain(datasetId);
    }

    @Test
    void invalidConfigNamesEveryBadField() {
        String json = """
                {"datasetId": "nope", "baseModel": "%s", "learningRate": -1, "epochs": 0, "batchSize": 0,
                 "maxLength": 100000}""".formatted(Golden.dir("tiny-bert"));
        Http.Response response = http.postJson(JOBS, json);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        String errors = response.json().get("errors").toString();
        assertThat(errors).contains("datasetId", "learningRate", "epochs", "batchSize", "maxLength");

        // a name outside an option's values is refused as the body is read, listing the values (issue 24's bar)
        Http.Response typo = http.postJson(JOBS, "{\"datasetId\": \"%s\", \"baseModel\": \"%s\", \"strategy\": \"fulll\"}"
                .formatted(datasetId, Golden.dir("tiny-bert")));
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.contentType()).startsWith("application/problem+json");
        assertThat(typo.json().get("field").stringValue()).isEqualTo("strategy");
        assertThat(typo.json().get("errors").toString()).contains("strategy: 'fulll' is not one of [full, last_layers, head, lora, setfit]");

        Http.Response unknownModel = http.postJson(JOBS, "{\"datasetId\": \"%s\", \"baseModel\": \"%s\"}"
                .formatted(datasetId, Golden.dir("tiny-bert").getParent().resolve("missing")));
        assertThat(unknownModel.status()).isEqualTo(400);
        assertThat(unknownModel.json().get("errors").toString()).contains("baseModel");
    }

    @Test
    void wrongTypeOrBrokenJsonNamesTheProblem() {
        Http.Response wrongType = http.postJson(JOBS, "{\"datasetId\": \"x\", \"epochs\": \"three\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("field").stringValue()).isEqualTo("epochs");
        Http.Response broken = http.postJson(JOBS, "{\"datasetId\": ");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.contentType()).startsWith("application/problem+json");
    }

    @Test
    void higherPriorityRunsFirstThenSubmissionOrder() {
        String blocker = submit(job(40, 0)).json().get("id").stringValue();
        awaitStatus(blocker, "RUNNING");
        String first = submit(job(1, 0)).json().get("id").stringValue();
        String second = submit(job(1, 0)).json().get("id").stringValue();
        String urgent = submit(job(1, 5)).json().get("id").stringValue();

        http.postJson(JOBS + "/" + blocker + "/cancel", "");
        JsonNode urgentDone = awaitStatus(urgent, "SUCCEEDED");
        JsonNode firstDone = awaitStatus(first, "SUCCEEDED");
        JsonNode secondDone = awaitStatus(second, "SUCCEEDED");

        Instant urgentStart = Instant.parse(urgentDone.get("startedAt").stringValue());
        Instant firstStart = Instant.parse(firstDone.get("startedAt").stringValue());
        Instant secondStart = Instant.parse(secondDone.get("startedAt").stringValue());
        assertThat(urgentStart).isBefore(firstStart);
        assertThat(firstStart).isBefore(secondStart);
    }

    @Test
    void fullQueueIs429WithRetryAfter() {
        String blocker = submit(job(40, 0)).json().get("id").stringValue();
        awaitStatus(blocker, "RUNNING");
        List<String> queued = new java.util.ArrayList<>();
        Http.Response response;
        do {
            response = submit(job(1, 0));
            if (response.status() == 202) {
                queued.add(response.json().get("id").stringValue());
            }
        } while (response.status() == 202 && queued.size() < 10);

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.headers().getFirst("Retry-After")).isEqualTo("60");
        assertThat(response.contentType()).startsWith("application/problem+json");
        queued.forEach(id -> assertThat(http.postJson(JOBS + "/" + id + "/cancel", "").json().get("status").stringValue())
                .isEqualTo("CANCELLED"));
        http.postJson(JOBS + "/" + blocker + "/cancel", "");
        awaitStatus(blocker, "CANCELLED");
        assertThat(http.postJson(JOBS + "/" + blocker + "/cancel", "").status()).isEqualTo(409);
    }

    @Test
    void staleRunningJobIsRequeuedAtStartAndThenRuns() throws Exception {
        String id = UUID.randomUUID().toString();
        String config = """
                {"datasetId":"%s","baseModel":"%s","priority":0,"options":{"strategy":"head","init":"pretrained",
                 "epochs":1,"learningRate":0.01,"batchSize":16,"warmupRatio":0.0,"weightDecay":0.0,
                 "gradientAccumulationSteps":1,"maxGradNorm":1.0,"seed":1,"scheduler":"linear",
                 "metricForBest":"accuracy","validationSplit":0.2}}""".formatted(datasetId, Golden.dir("tiny-bert"));
        jdbc.sql("INSERT INTO job (id, status, dataset_id, base_model, config, created_at, started_at, attempts) "
                + "VALUES (?, 'RUNNING', ?, ?, ?, ?, ?, 1)")
                .params(id, datasetId, Golden.dir("tiny-bert").toString(), config, Timestamp.from(Instant.now()),
                        Timestamp.from(Instant.now())).update();

        // no lease (a row from before leases, or a worker that vanished): the lease keeper's next round takes it back
        long deadline = System.currentTimeMillis() + 15_000;
        while (!String.valueOf(http.get(JOBS + "/" + id + "/log").body()).contains("re-queued")
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(http.get(JOBS + "/" + id + "/log").body()).contains("stopped renewing its lease", "re-queued");
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(done.get("attempts").intValue()).isEqualTo(2);
    }

    @Test
    void precisionAttentionAndBatchingAreStoredShownInTheLogAndValidated() {
        String body = job(2, 0).replace("\"seed\": 3",
                "\"seed\": 3, \"precision\": \"fp16\", \"attention\": \"eager\", \"groupByLength\": false");
        String id = submit(body).json().get("id").stringValue();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(done.get("config").get("options").get("precision").stringValue()).isEqualTo("fp16");
        assertThat(done.get("config").get("options").get("groupByLength").booleanValue()).isFalse();
        assertThat(http.get(JOBS + "/" + id + "/log").body())
                .contains("attention eager (dropout 0.0, the default on a cpu), precision fp16, random batches");
        Http.Response refused = submit(job(2, 0).replace("\"seed\": 3", "\"seed\": 3, \"precision\": \"fp8\""));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("fp8", "fp16");
        Http.Response notABoolean = submit(job(2, 0).replace("\"seed\": 3", "\"seed\": 3, \"groupByLength\": \"yes\""));
        assertThat(notABoolean.status()).isEqualTo(400);
        assertThat(notABoolean.body()).contains("groupByLength");
    }

    @Test
    void attentionDropoutIsStoredShownInTheLogAndValidated() {
        String id = submit(job(2, 0).replace("\"seed\": 3", "\"seed\": 3, \"attentionDropout\": 0"))
                .json().get("id").stringValue();
        JsonNode done = awaitStatus(id, "SUCCEEDED");
        assertThat(done.get("config").get("options").get("attentionDropout").doubleValue()).isZero();
        assertThat(http.get(JOBS + "/" + id + "/log").body()).contains("attention sdpa (dropout 0.0), precision");
        String asConfigured = submit(job(2, 0).replace("\"seed\": 3", "\"seed\": 3, \"attentionDropout\": 0.1"))
                .json().get("id").stringValue();
        awaitStatus(asConfigured, "SUCCEEDED");
        assertThat(http.get(JOBS + "/" + asConfigured + "/log").body()).contains("attention sdpa (dropout 0.1), precision");
        String defaulted = submit(job(2, 0)).json().get("id").stringValue();
        assertThat(awaitStatus(defaulted, "SUCCEEDED").get("config").get("options").path("attentionDropout").isNumber())
                .as("left out: decided by the device, stored as no number").isFalse();
        assertThat(http.get(JOBS + "/" + defaulted + "/log").body())
                .contains("attention sdpa (dropout 0.0, the default on a cpu), precision");
        for (String wrong : new String[] {"1", "-0.1", "\"half\""}) {
            Http.Response refused = submit(job(2, 0).replace("\"seed\": 3", "\"seed\": 3, \"attentionDropout\": " + wrong));
            assertThat(refused.status()).as(wrong).isEqualTo(400);
            assertThat(refused.contentType()).contains("application/problem+json");
            assertThat(refused.body()).as(wrong).contains("attentionDropout");
        }
    }

    @Test
    void deletingADatasetInUseByAQueuedJobIs409() {
        String blocker = submit(job(40, 0)).json().get("id").stringValue();
        awaitStatus(blocker, "RUNNING");
        assertThat(http.delete("/api/v1/datasets/" + datasetId).status()).isEqualTo(409);
        http.postJson(JOBS + "/" + blocker + "/cancel", "");
        awaitStatus(blocker, "CANCELLED");
        assertThat(http.delete("/api/v1/datasets/" + datasetId).status()).isEqualTo(204);
        // the finished job stays, with its configuration; the foreign key let go of the deleted data set
        JsonNode kept = http.get(JOBS + "/" + blocker).json();
        assertThat(kept.get("config").get("datasetId").stringValue()).isEqualTo(datasetId);
        assertThat(jdbc.sql("SELECT dataset_id FROM job WHERE id = ?").param(blocker).query(String.class).optional())
                .isEmpty();
    }

    @Test
    void aJobRowCannotNameADataSetThatDoesNotExist() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.sql("""
                INSERT INTO job (id, status, dataset_id, config, created_at, base_model)
                VALUES ('orphan', 'QUEUED', 'no-such-data-set', '{}', CURRENT_TIMESTAMP, 'x')""").update())
                .isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
    }

    @Test
    void unknownJobAndStatusAreProblems() {
        assertThat(http.get(JOBS + "/nope").status()).isEqualTo(404);
        assertThat(http.get(JOBS + "?status=DONE").status()).isEqualTo(400);
    }

    /** A copy of tiny-bert under the import root, to delete while a job needs it. */
    private static Path copyOfTinyBert(String purpose) throws IOException {
        Path copy = Golden.dir("tiny-bert").resolveSibling("tiny-bert-" + purpose + "-" + System.nanoTime());
        Files.createDirectories(copy);
        try (var files = Files.list(Golden.dir("tiny-bert"))) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    private String job(int epochs, int priority) {
        return """
                {"datasetId": "%s", "baseModel": "%s", "epochs": %d, "learningRate": 0.003, "batchSize": 8,
                 "maxLength": 32, "seed": 3, "priority": %d, "validationSplit": 0.25}"""
                .formatted(datasetId, Golden.dir("tiny-bert"), epochs, priority);
    }

    private Http.Response submit(String json) {
        return http.postJson(JOBS, json);
    }

    private JsonNode awaitStatus(String id, String status) {
        long deadline = System.currentTimeMillis() + 120_000;
        JsonNode job;
        do {
            job = http.get(JOBS + "/" + id).json();
            if (job.get("status").stringValue().equals(status)) {
                return job;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("job " + id + " did not become " + status + ": " + job);
    }
}
