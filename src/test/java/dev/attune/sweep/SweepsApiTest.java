package dev.attune.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Sweeps end to end through real HTTP, H2 and DJL on a tiny golden model (issue 25): a grid's trials are
 * ordinary jobs, successive halving stops the worse ones, the best trial is the one whose own job record is
 * best, its model is deployed; an invalid space is one 400 listing every problem; a cancel ends every trial.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.jobs.progress-interval=0s"})
class SweepsApiTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;
    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;
    private Http http;
    private String dataset;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        dataset = http.upload("/api/v1/datasets", "train.csv", TrainingData.csv(80, 3).getBytes(StandardCharsets.UTF_8),
                Map.of()).json().get("id").stringValue();
    }

    @Test
    void aGridSweepHalvesItsTrialsAndDeploysTheBest() {
        Http.Response created = http.postJson("/api/v1/sweeps", """
                {"name": "lr x batch", "base": %s, "grid": {"learningRate": [0.003, 0.01, 0.00001], "batchSize": [8, 16]},
                 "scheduler": "successive_halving", "deploy": "best-sweep"}""".formatted(base(3)));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("id").stringValue();
        assertThat(created.json().get("trials")).hasSize(6);
        JsonNode firstTrial = http.get("/api/v1/jobs/" + created.json().get("trials").get(0).get("jobId").stringValue())
                .json();
        assertThat(firstTrial.get("sweepId").stringValue()).as("a trial is an ordinary job").isEqualTo(id);

        JsonNode sweep = awaitEnd(id);
        assertThat(sweep.get("status").stringValue()).as(sweep.toString()).isEqualTo("SUCCEEDED");
        List<String> statuses = new ArrayList<>();
        sweep.get("trials").forEach(t -> statuses.add(t.get("status").stringValue()));
        assertThat(statuses).as("successive halving stops some").contains("STOPPED");
        assertThat(statuses).allMatch(s -> s.equals("SUCCEEDED") || s.equals("STOPPED"));

        // the best trial is the succeeded one whose own job record has the top accuracy
        String best = null;
        double top = -1;
        for (JsonNode trial : sweep.get("trials")) {
            JsonNode job = http.get("/api/v1/jobs/" + trial.get("jobId").stringValue()).json();
            if (job.get("status").stringValue().equals("SUCCEEDED")
                    && job.get("bestMetrics").get("metrics").get("accuracy").doubleValue() > top) {
                top = job.get("bestMetrics").get("metrics").get("accuracy").doubleValue();
                best = job.get("id").stringValue();
            }
        }
        JsonNode bestTrial = http.get("/api/v1/jobs/" + sweep.get("bestJobId").stringValue()).json();
        assertThat(bestTrial.get("bestMetrics").get("metrics").get("accuracy").doubleValue()).isEqualTo(top);
        assertThat(sweep.get("modelId").stringValue()).isEqualTo(bestTrial.get("modelId").stringValue());
        assertThat(best).isNotNull();
        assertThat(http.get("/api/v1/deployments/best-sweep").json().get("modelId").stringValue())
                .isEqualTo(sweep.get("modelId").stringValue());
    }

    @Test
    void anInvalidSpaceIsOne400ListingEveryProblem() {
        Http.Response response = http.postJson("/api/v1/sweeps", """
                {"base": {"baseModel": "%s"}, "grid": {"learningRat": [1e-3], "batchSize": [8, 0]}}"""
                .formatted(Golden.dir("tiny-bert")));
        assertThat(response.status()).isEqualTo(400);
        String errors = response.json().get("errors").toString();
        assertThat(errors).contains("grid.learningRat: not a training option");
        Http.Response trials = http.postJson("/api/v1/sweeps", """
                {"base": {"baseModel": "%s"}, "grid": {"batchSize": [8, 0]}}""".formatted(Golden.dir("tiny-bert")));
        assertThat(trials.json().get("errors").toString()).contains("datasetId: required", "(every trial)",
                "batchSize: must be greater than or equal to 1", "(trial 2)");
        Http.Response random = http.postJson("/api/v1/sweeps", """
                {"base": %s, "random": {"learningRate": {"min": 1e-3, "max": 1e-4, "log": true}}}""".formatted(base(1)));
        assertThat(random.json().get("errors").toString()).contains("trials: a random sweep draws 1 to 64 trials",
                "random.learningRate: min and max are required, min below max");
    }

    @Test
    void maxParallelQueuesTheNextTrialAsOneEnds() {
        Http.Response created = http.postJson("/api/v1/sweeps", """
                {"base": %s, "grid": {"learningRate": [0.003, 0.01, 0.001]}, "maxParallel": 1}""".formatted(base(1)));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        JsonNode trials = created.json().get("trials");
        assertThat(trials.get(0).get("jobId").isNull()).as("the first is queued").isFalse();
        assertThat(trials.get(1).get("jobId").isNull()).as("the others wait").isTrue();
        assertThat(trials.get(2).get("jobId").isNull()).isTrue();
        JsonNode sweep = awaitEnd(created.json().get("id").stringValue());
        assertThat(sweep.get("status").stringValue()).as(sweep.toString()).isEqualTo("SUCCEEDED");
        sweep.get("trials").forEach(t -> assertThat(t.get("status").stringValue()).isEqualTo("SUCCEEDED"));
        assertThat(http.postJson("/api/v1/sweeps", """
                {"base": %s, "grid": {"learningRate": [0.003]}, "maxParallel": 0}""".formatted(base(1))).json()
                .get("errors").toString()).contains("maxParallel: 1 to 64, was 0");
    }

    @Test
    void cancellingASweepEndsEveryTrial() {
        Http.Response created = http.postJson("/api/v1/sweeps", """
                {"base": %s, "random": {"learningRate": {"min": 1e-4, "max": 1e-2, "log": true}}, "trials": 3}"""
                .formatted(base(200)));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("id").stringValue();
        JsonNode cancelled = http.postJson("/api/v1/sweeps/" + id + "/cancel", "").json();
        assertThat(cancelled.get("status").stringValue()).isEqualTo("CANCELLED");
        JsonNode sweep = awaitTrialsEnded(id);
        sweep.get("trials").forEach(t -> assertThat(t.get("status").stringValue()).isEqualTo("CANCELLED"));
        sweep.get("trials").forEach(t -> assertThat(t.get("options").get("learningRate").doubleValue())
                .isBetween(1e-4, 1e-2));
    }

    /** Defect 4: a deployment name that could never be created is refused at once, naming the field and the rule. */
    @Test
    void aBadDeploymentNameIsRefusedAtCreation() {
        for (String name : List.of("Prod", "x y", "")) {
            Http.Response response = http.postJson("/api/v1/sweeps", """
                    {"base": %s, "grid": {"learningRate": [0.003]}, "deploy": "%s"}""".formatted(base(1), name));
            assertThat(response.status()).as(name + ": " + response.body()).isEqualTo(400);
            assertThat(response.json().get("errors").toString()).contains("deploy: ")
                    .contains("1 to 64 lower-case letters, digits and '-'");
        }
    }

    /** Defect 6: integer options need whole bounds; values and min/max together are one or the other. */
    @Test
    void aRandomRangeMustFitItsOption() {
        Http.Response fractional = http.postJson("/api/v1/sweeps", """
                {"base": %s, "random": {"batchSize": {"min": 1.1, "max": 1.2}}, "trials": 2}""".formatted(base(1)));
        assertThat(fractional.status()).as(fractional.body()).isEqualTo(400);
        assertThat(fractional.json().get("errors").toString()).contains("random.batchSize: ", "whole");
        Http.Response both = http.postJson("/api/v1/sweeps", """
                {"base": %s, "random": {"batchSize": {"values": [8, 16], "min": 5, "max": 1}}, "trials": 2}"""
                .formatted(base(1)));
        assertThat(both.status()).as(both.body()).isEqualTo(400);
        assertThat(both.json().get("errors").toString()).contains("random.batchSize: ");
    }

    /** Defect 6: the checkpoint a trial registers is the one the sweep's metric judged best. */
    @Test
    void theSweepsMetricIsEveryTrialsMetricForBest() {
        Http.Response created = http.postJson("/api/v1/sweeps", """
                {"base": %s, "grid": {"learningRate": [0.003]}, "metric": "loss"}""".formatted(base(1)));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String trial = created.json().get("trials").get(0).get("jobId").stringValue();
        assertThat(http.get("/api/v1/jobs/" + trial).json().get("config").get("options").get("metricForBest")
                .stringValue()).isEqualTo("loss");
        awaitEnd(created.json().get("id").stringValue());
        Http.Response mismatch = http.postJson("/api/v1/sweeps", """
                {"base": %s, "grid": {"learningRate": [0.003]}, "metric": "loss"}"""
                .formatted(base(1).replace("\"seed\"", "\"metricForBest\": \"accuracy\", \"seed\"")));
        assertThat(mismatch.status()).as(mismatch.body()).isEqualTo(400);
        assertThat(mismatch.json().get("errors").toString()).contains("metric: ", "metricForBest");
    }

    /** A sweep stored before its spec was typed (issue 31) still reads. */
    @Test
    void aSweepStoredBeforeStillLoads() {
        String id = java.util.UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO sweep (id, name, spec, status, created_at, finished_at) VALUES (?, 'old', ?, 'SUCCEEDED', "
                + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)").params(id, """
                {"name":"old","base":{"datasetId":"%s","epochs":1},"grid":{"learningRate":[0.003]},"random":null,\
                "trials":null,"metric":"accuracy","scheduler":"none","deploy":null,"seed":null,"maxParallel":null}"""
                .formatted(dataset)).update();
        Http.Response old = http.get("/api/v1/sweeps/" + id);
        assertThat(old.status()).as(old.body()).isEqualTo(200);
        assertThat(old.json().get("status").stringValue()).isEqualTo("SUCCEEDED");
        assertThat(old.json().get("metric").stringValue()).isEqualTo("accuracy");
        assertThat(old.json().get("scheduler").stringValue()).isEqualTo("none");
        assertThat(http.get("/api/v1/sweeps").status()).isEqualTo(200);
    }

    private String base(int epochs) {
        return """
                {"datasetId": "%s", "baseModel": "%s", "epochs": %d, "maxLength": 32, "seed": 3, "validationSplit": 0.25}"""
                .formatted(dataset, Golden.dir("tiny-bert"), epochs);
    }

    private JsonNode awaitEnd(String id) {
        long deadline = System.currentTimeMillis() + 240_000;
        JsonNode sweep = http.get("/api/v1/sweeps/" + id).json();
        while (sweep.get("status").stringValue().equals("RUNNING") && System.currentTimeMillis() < deadline) {
            sleep();
            sweep = http.get("/api/v1/sweeps/" + id).json();
        }
        return sweep;
    }

    private JsonNode awaitTrialsEnded(String id) {
        long deadline = System.currentTimeMillis() + 60_000;
        JsonNode sweep = http.get("/api/v1/sweeps/" + id).json();
        while (System.currentTimeMillis() < deadline && sweep.get("trials").findValuesAsString("status").stream()
                .anyMatch(s -> s.equals("QUEUED") || s.equals("RUNNING"))) {
            sleep();
            sweep = http.get("/api/v1/sweeps/" + id).json();
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
