package dev.attune.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Audits and selections as callers with the smallest scope meet them: a read key sees an audit, its suspects and a
 * selection's rows but can start, cancel or clean nothing (403 naming the scope, nothing stored); a predict-only key
 * reads nothing. Two callers auditing the same data set at once get two complete audits that agree (same seed).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "attune.jobs.progress-interval=0s", "attune.jobs.devices=cpu,cpu",
        "attune.security.keys[0].name=labeller",
        "attune.security.keys[0].sha256=2c69bc9111c27110a9b9a7974ba3f8ac0c053c16b23a0738115ee829fbc4d57b", // printf %s ops-key | sha256sum
        "attune.security.keys[0].scopes=read,write",
        "attune.security.keys[1].name=viewer",
        "attune.security.keys[1].sha256=9b88f3b3de5ee9f1bb657b76cc43581a9e25e9091bb23c35b2748b7c3509b6e6", // viewer-key
        "attune.security.keys[1].scopes=read",
        "attune.security.keys[2].name=storefront",
        "attune.security.keys[2].sha256=44cfdcdd88354fa1412781f5a01a901c9112db33bfa8b165fbec9b618d9cf112", // shop-key
        "attune.security.keys[2].scopes=predict"})
class AuditScopesAndTwoCallersTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void aReaderSeesAuditsAndSelectionsButChangesNothingAndTwoAuditsAtOnceAgree() throws Exception {
        Http writer = new Http(port, Map.of("X-API-Key", "ops-key"));
        Http reader = new Http(port, Map.of("X-API-Key", "viewer-key"));
        Http storefront = new Http(port, Map.of("X-API-Key", "shop-key"));
        String dataset = upload(writer, TrainingData.csv(48, 4));
        String audit = """
                {"baseModel": "%s", "folds": 2, "seed": 5, "epochs": 1, "learningRate": 0.001, "batchSize": 16,
                 "maxLength": 32}""".formatted(Golden.dir("tiny-bert-sst2"));
        String audits = "/api/v1/datasets/" + dataset + "/audits";

        assertRefused(reader.postJson(audits, audit), "write");
        assertRefused(storefront.get(audits), "read");
        assertThat(writer.get(audits).json()).as("a refused audit stores nothing").isEmpty();

        // two callers at once, the same data set and seed: two audits, each with its own folds, the same suspects
        CompletableFuture<Http.Response> first = CompletableFuture.supplyAsync(() -> writer.postJson(audits, audit));
        CompletableFuture<Http.Response> second = CompletableFuture.supplyAsync(() -> writer.postJson(audits, audit));
        List<String> ids = List.of(accepted(first.get()), accepted(second.get()));
        assertThat(ids).doesNotHaveDuplicates();
        assertRefused(reader.postJson(audits + "/" + ids.get(0) + "/cancel", ""), "write");
        JsonNode one = await(reader, audits + "/" + ids.get(0));
        JsonNode two = await(reader, audits + "/" + ids.get(1));
        assertThat(one.get("status").stringValue()).as(one.toString()).isEqualTo("SUCCEEDED");
        assertThat(two.get("status").stringValue()).as(two.toString()).isEqualTo("SUCCEEDED");
        assertThat(one.get("foldJobs").findValuesAsString("jobId"))
                .doesNotContainAnyElementsOf(two.get("foldJobs").findValuesAsString("jobId"));
        assertThat(one.get("thresholds").properties()).hasSize(2);
        assertThat(one.get("thresholds")).as("the same out-of-fold probabilities").isEqualTo(two.get("thresholds"));
        assertThat(one.get("suspects")).isEqualTo(two.get("suspects"));

        Http.Response suspects = reader.get(audits + "/" + ids.get(0) + "/suspects?format=csv");
        assertThat(suspects.status()).isEqualTo(200);
        assertThat(suspects.body().lines().count()).isEqualTo(1 + one.get("suspectCount").longValue());
        int datasetsBefore = writer.get("/api/v1/datasets").json().size();
        assertRefused(reader.postJson(audits + "/" + ids.get(0) + "/clean", "{\"mode\": \"drop\"}"), "write");
        assertThat(writer.get("/api/v1/datasets").json()).as("a refused clean makes no data set")
                .hasSize(datasetsBefore);
        assertThat(writer.postJson(audits + "/" + ids.get(0) + "/clean", "{\"mode\": \"drop\"}").status()).isEqualTo(201);

        // a selection: the reader may not start one, and may read the one the labeller started
        String model = writer.postJson("/api/v1/models/import", "{\"source\": \"%s\"}"
                .formatted(Golden.dir("tiny-bert-sst2"))).json().get("id").stringValue();
        String select = """
                {"datasetId": "%s", "modelId": "%s", "select": {"strategy": "entropy", "count": 5}}"""
                .formatted(dataset, model);
        assertRefused(reader.postJson("/api/v1/predictions", select), "write");
        Http.Response started = writer.postJson("/api/v1/predictions", select);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String prediction = started.json().get("id").stringValue();
        JsonNode ended = reader.get("/api/v1/predictions/" + prediction).json();
        for (long deadline = System.currentTimeMillis() + 120_000; ended.get("status").stringValue()
                .matches("QUEUED|RUNNING") && System.currentTimeMillis() < deadline; ) {
            Thread.sleep(200);
            ended = reader.get("/api/v1/predictions/" + prediction).json();
        }
        assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("SUCCEEDED");
        Http.Response rows = reader.get("/api/v1/predictions/" + prediction + "/selection");
        assertThat(rows.status()).as(rows.body()).isEqualTo(200);
        assertThat(rows.json().get("rows")).hasSize(5);
        assertRefused(storefront.get("/api/v1/predictions/" + prediction + "/selection"), "read");
    }

    private static void assertRefused(Http.Response response, String scope) {
        assertThat(response.status()).as(response.body()).isEqualTo(403);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("scope").stringValue()).isEqualTo(scope);
    }

    private static String accepted(Http.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().get("id").stringValue();
    }

    private static String upload(Http http, String csv) {
        Http.Response response = http.upload("/api/v1/datasets", "labelled.csv", csv.getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }

    private static JsonNode await(Http http, String path) throws InterruptedException {
        JsonNode state = http.get(path + "?limit=1000").json();
        for (long deadline = System.currentTimeMillis() + 300_000; state.get("status").stringValue().equals("RUNNING")
                && System.currentTimeMillis() < deadline; ) {
            Thread.sleep(250);
            state = http.get(path + "?limit=1000").json();
        }
        return state;
    }
}
