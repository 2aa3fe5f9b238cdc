package dev.attune.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * One truth about who answers (issue 32): a promotion moves the "default" deployment, so /predict, GET
 * /api/v1/serving and the deployment agree (after a rollback too); concurrent changes of a deployment apply one
 * after another; a canary that reads other inputs or answers other labels is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "attune.predict.refresh-interval=200ms")
class ServingTruthApiTest {

    private static final String DEPLOYMENTS = "/api/v1/deployments";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;
    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @AfterEach
    void deleteDeployments() {
        http.get(DEPLOYMENTS).json().forEach(d -> http.delete(DEPLOYMENTS + "/" + d.get("name").stringValue()));
    }

    @Test
    void promotingWithADefaultDeploymentMovesItSoPredictAnswersWhatTheServingStatusNames() {
        String first = importModel("tiny-bert-sst2", false);
        String second = importModel("tiny-roberta-sst2", false);
        assertThat(http.postJson(DEPLOYMENTS, "{\"name\": \"default\", \"modelId\": \"%s\"}".formatted(first)).status())
                .isEqualTo(201);
        awaitAgreement(first);

        assertThat(http.postJson("/api/v1/models/" + second + "/promote", "").status()).isEqualTo(200);

        awaitAgreement(second);
        JsonNode deployment = http.get(DEPLOYMENTS + "/default").json();
        assertThat(deployment.get("modelId").stringValue()).isEqualTo(second);
        assertThat(deployment.get("history").get(0).get("action").stringValue()).isEqualTo("promoted");
        JsonNode status = http.get("/api/v1/serving").json();
        assertThat(status.get("deployment").stringValue()).isEqualTo("default");
        List<String> kept = new ArrayList<>();
        status.get("keptModels").get("models").forEach(m -> kept.add(m.get("modelId").stringValue()));
        assertThat(kept).as("the serving model is loaded once, not kept a second time").doesNotContain(second);

        assertThat(http.postJson(DEPLOYMENTS + "/default/rollback", "").status()).isEqualTo(200);
        awaitAgreement(first);
    }

    /** /predict naming nothing, and the serving status, both name the model (every request, not most). */
    private void awaitAgreement(String model) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode status = http.get("/api/v1/serving").json();
            assertThat(status.get("modelId").stringValue()).isEqualTo(model);
            assertThat(status.get("state").stringValue()).isEqualTo("serving");
            for (int i = 0; i < 5; i++) {
                assertThat(http.postJson("/predict", "{\"text\": \"a witty film\"}").json().get("model").stringValue())
                        .isEqualTo(model);
            }
        });
    }

    @Test
    void concurrentChangesOfADeploymentApplyOneAfterAnotherAndNeverWriteBackAReplacedModel() throws Exception {
        String first = importModel("tiny-bert-sst2", false);
        String replacement = importModel("tiny-roberta-sst2", false);
        List<String> canaries = List.of(importModel("tiny-bert-sst2", false), importModel("tiny-roberta-sst2", false));
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            for (int round = 0; round < 5; round++) {
                String name = "round-" + round;
                assertThat(http.postJson(DEPLOYMENTS, "{\"name\": \"%s\", \"modelId\": \"%s\"}".formatted(name, first))
                        .status()).isEqualTo(201);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Http.Response>> puts = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String body = i == 7 ? "{\"modelId\": \"%s\"}".formatted(replacement)
                            : "{\"canary\": {\"modelId\": \"%s\", \"percent\": %d}}".formatted(canaries.get(i % 2), 1 + i);
                    puts.add(pool.submit(() -> {
                        start.await();
                        return new Http(port).putJson(DEPLOYMENTS + "/" + name, body);
                    }));
                }
                start.countDown();
                for (Future<Http.Response> put : puts) {
                    Http.Response response = put.get(60, TimeUnit.SECONDS);
                    assertThat(response.status()).as(response.body()).isEqualTo(200);
                }

                JsonNode deployment = http.get(DEPLOYMENTS + "/" + name).json();
                assertThat(deployment.get("modelId").stringValue()).as("round %d", round).isEqualTo(replacement);
                JsonNode history = deployment.get("history"); // newest first
                assertThat(history).hasSize(21);
                int replaced = -1;
                for (int i = history.size() - 1; i >= 0; i--) {
                    String model = history.get(i).get("modelId").stringValue();
                    if (model.equals(replacement) && replaced < 0) {
                        replaced = i;
                    }
                    if (replaced >= 0) {
                        assertThat(model).as("round %d: change %d after the replacement", round, i).isEqualTo(replacement);
                    }
                }
                assertThat(replaced).isGreaterThanOrEqualTo(0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCanaryThatReadsOtherInputsOrAnswersOtherLabelsIsRefusedNamingTheDifference() {
        String deployed = importModel("tiny-bert-sst2", false);
        String pairs = importModel("tiny-bert-sst2", true);
        String threeLabels = importModel("tiny-distilbert-sst2", false);
        assertThat(http.postJson(DEPLOYMENTS, "{\"name\": \"web\", \"modelId\": \"%s\"}".formatted(deployed)).status())
                .isEqualTo(201);

        Http.Response pairCanary = http.putJson(DEPLOYMENTS + "/web",
                "{\"canary\": {\"modelId\": \"%s\", \"percent\": 10}}".formatted(pairs));
        assertThat(pairCanary.status()).as(pairCanary.body()).isEqualTo(409);
        assertThat(pairCanary.json().get("detail").stringValue()).contains("sentence pairs").contains("single texts");

        Http.Response labelCanary = http.putJson(DEPLOYMENTS + "/web",
                "{\"canary\": {\"modelId\": \"%s\", \"percent\": 10}}".formatted(threeLabels));
        assertThat(labelCanary.status()).isEqualTo(409);
        assertThat(labelCanary.json().get("detail").stringValue()).contains("neutral");

        JsonNode unchanged = http.get(DEPLOYMENTS + "/web").json();
        assertThat(unchanged.get("canary").isNull()).isTrue();
        assertThat(unchanged.get("history")).hasSize(1);
    }

    private String importModel(String name, boolean textPair) {
        Http.Response response = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"name\": \"%s\", \"textPair\": %s}".formatted(Golden.dir(name), name, textPair));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }
}
