package dev.attune.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.Postgres;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import dev.attune.system.AttuneProperties;
import dev.attune.system.LocalNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole service on a real PostgreSQL (embedded, 17) with two CPU workers in one process: every
 * repository through HTTP, two jobs training at once, the same seed giving the same run whether a job ran
 * alone or beside another, and a serving replica following a promotion another node wrote to the database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "attune.jobs.devices=cpu,cpu", "attune.jobs.progress-interval=0s", "attune.predict.refresh-interval=300ms",
        "attune.node.name=pg-node"})
class PostgresServiceTest {

    private static final String JOBS = "/api/v1/jobs";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
        String url = Postgres.newDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void twoWorkersTrainAtOnceAndTheSameSeedGivesTheSameRunAloneOrSideBySide() throws Exception {
        Http http = new Http(port);
        assertThat(jdbc.sql("SELECT version()").query(String.class).single()).startsWith("PostgreSQL 17");
        String datasetId = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(80, 1).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();
        assertThat(http.get("/api/v1/datasets/" + datasetId + "/rows?limit=5").json().get("rows")).hasSize(5);

        String first = submit(http, datasetId);
        String second = submit(http, datasetId);
        JsonNode a = await(http, first, "SUCCEEDED");
        JsonNode b = await(http, second, "SUCCEEDED");
        assertThat(Instant.parse(a.get("startedAt").stringValue())).isBefore(Instant.parse(b.get("finishedAt").stringValue()));
        assertThat(Instant.parse(b.get("startedAt").stringValue())).isBefore(Instant.parse(a.get("finishedAt").stringValue()));
        assertThat(List.of(a.get("node").stringValue(), b.get("node").stringValue())).containsOnly("pg-node");
        assertThat(List.of(a.get("device").stringValue(), b.get("device").stringValue())).containsOnly("cpu");

        String alone = submit(http, datasetId);
        await(http, alone, "SUCCEEDED");
        // dropout masks and head weights come from one process-wide generator, taken in turns: same seed, same run
        List<String> curve = curve(http, first);
        assertThat(curve).hasSize(6);
        assertThat(curve(http, second)).isEqualTo(curve);
        assertThat(curve(http, alone)).isEqualTo(curve);
        assertThat(http.get(JOBS + "/" + first + "/log").body()).contains("on node pg-node, device cpu");

        // the rest of the API on PostgreSQL: models, serving, the node list, health
        String modelA = a.get("modelId").stringValue();
        assertThat(http.get("/api/v1/models").json().findValuesAsString("id")).contains(modelA,
                b.get("modelId").stringValue());
        assertThat(http.postJson("/predict", "{\"text\": \"a great film\"}").status()).isEqualTo(200);
        JsonNode nodes = http.get("/api/v1/nodes").json();
        assertThat(nodes).hasSize(1);
        assertThat(nodes.get(0).get("name").stringValue()).isEqualTo("pg-node");
        assertThat(nodes.get(0).get("alive").booleanValue()).isTrue();
        assertThat(nodes.get(0).get("devices").toString()).isEqualTo("[\"cpu\",\"cpu\"]");
        JsonNode health = http.get("/actuator/health").json();
        assertThat(health.get("components").get("cluster").get("details").get("database").stringValue())
                .isEqualTo("shared (PostgreSQL)");

        // another node promotes a model: it writes the database only; this replica follows within its refresh interval
        jdbc.sql("UPDATE model SET promoted_at = CURRENT_TIMESTAMP WHERE id = ?").param(modelA).update();
        long deadline = System.currentTimeMillis() + 15_000;
        while (!modelA.equals(http.get("/api/v1/serving").json().path("modelId").asString(""))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(http.get("/api/v1/serving").json().get("modelId").stringValue()).isEqualTo(modelA);
        assertThat(http.postJson("/predict", "{\"text\": \"a great film\"}").json().get("model").stringValue())
                .isEqualTo(modelA);

        assertThat(http.delete("/api/v1/jobs/" + first).status()).isIn(404, 405); // jobs are history: no delete
        assertThat(http.delete("/api/v1/models/" + b.get("modelId").stringValue()).status()).isEqualTo(204);
        assertThat(http.delete("/api/v1/datasets/" + datasetId).status()).isEqualTo(204);
    }

    @Test
    void aCancelReachesTheWorkerThroughTheDatabase() {
        Http http = new Http(port);
        String datasetId = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(80, 2).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();
        String id = http.postJson(JOBS, job(datasetId, 400)).json().get("id").stringValue();
        await(http, id, "RUNNING");
        // as an API node without this job's worker would: only the database flag
        jdbc.sql("UPDATE job SET cancel_requested = TRUE WHERE id = ?").param(id).update();
        JsonNode cancelled = await(http, id, "CANCELLED");
        assertThat(cancelled.get("finishedAt").isNull()).isFalse();
        assertThat(http.get(JOBS + "/" + id + "/log").body()).contains("cancelled");
    }

    /** Issue 31: a sweep's claims, rungs, protection and end on PostgreSQL, with two workers taking its trials. */
    @Test
    void aSweepRunsOnPostgresql() {
        Http http = new Http(port);
        String datasetId = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(80, 4).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();
        Http.Response created = http.postJson("/api/v1/sweeps", """
                {"base": %s, "grid": {"learningRate": [0.003, 0.01, 0.001]}, "maxParallel": 2,
                 "scheduler": "successive_halving", "deploy": "pg-sweep"}""".formatted(job(datasetId, 2)));
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("id").stringValue();
        Http.Response inUse = http.delete("/api/v1/datasets/" + datasetId);
        assertThat(inUse.status()).as(inUse.body()).isEqualTo(409);
        assertThat(inUse.json().get("sweeps").toString()).contains(id);
        long deadline = System.currentTimeMillis() + 120_000;
        JsonNode sweep = http.get("/api/v1/sweeps/" + id).json();
        while (sweep.get("status").stringValue().equals("RUNNING") && System.currentTimeMillis() < deadline) {
            sleep(200);
            sweep = http.get("/api/v1/sweeps/" + id).json();
        }
        assertThat(sweep.get("status").stringValue()).as(sweep.toString()).isEqualTo("SUCCEEDED");
        assertThat(sweep.get("trials")).allSatisfy(t -> assertThat(t.get("evaluations").intValue()).isPositive());
        assertThat(http.get("/api/v1/deployments/pg-sweep").json().get("modelId").stringValue())
                .isEqualTo(sweep.get("modelId").stringValue());
    }

    @Test
    void aNodeWhoseDataDirIsNotTheSharedOneRefusesToStart(@org.junit.jupiter.api.io.TempDir Path localDir) {
        Http http = new Http(port);
        http.upload("/api/v1/datasets", "train.csv", TrainingData.csv(20, 3).getBytes(StandardCharsets.UTF_8), Map.of());
        MockEnvironment elsewhere = new MockEnvironment().withProperty("spring.datasource.url", "jdbc:postgresql://db/attune")
                .withProperty("attune.data-dir", localDir.toString());
        AttuneProperties properties = Binder.get(elsewhere).bind("attune", AttuneProperties.class).get();
        assertThatThrownBy(() -> new SharedDataDir(jdbc, new LocalNode(properties, elsewhere), properties))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not the cluster's shared volume");
    }

    private static String submit(Http http, String datasetId) {
        Http.Response response = http.postJson(JOBS, job(datasetId, 6));
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().get("id").stringValue();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String job(String datasetId, int epochs) {
        return """
                {"datasetId": "%s", "baseModel": "%s", "epochs": %d, "learningRate": 0.003, "batchSize": 8,
                 "maxLength": 32, "seed": 7, "validationSplit": 0.25}""".formatted(datasetId, Golden.dir("tiny-bert"), epochs);
    }

    /** Every evaluation's train loss and validation loss, as text: equal runs give equal strings. */
    private static List<String> curve(Http http, String id) {
        List<String> points = new java.util.ArrayList<>();
        http.get(JOBS + "/" + id + "/metrics").json().forEach(point -> points.add(point.get("step") + " "
                + point.get("trainLoss") + " " + point.get("metrics").get("loss")));
        return points;
    }

    private static JsonNode await(Http http, String id, String status) {
        return JobPolling.awaitStatus(http, id, status);
    }
}
