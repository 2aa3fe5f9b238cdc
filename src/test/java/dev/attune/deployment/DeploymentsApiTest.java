package dev.attune.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Deployments end to end through real HTTP, H2 and two real golden classifiers (issue 22): a stable name,
 * a canary that answers its share, promotion, rollback, history with who changed what, the 409 for deleting a
 * deployed model, and the per-deployment metrics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "attune.predict.refresh-interval=200ms")
class DeploymentsApiTest {

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

    @Test
    void aDeploymentRoutesItsCanaryShareAndRollsBack() {
        String first = importModel("tiny-bert-sst2");
        String second = importModel("tiny-roberta-sst2"); // the same labels: a valid canary
        Http.Response created = http.postJson(DEPLOYMENTS, "{\"name\": \"default\", \"modelId\": \"%s\"}".formatted(first));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(http.postJson(DEPLOYMENTS, "{\"name\": \"default\", \"modelId\": \"%s\"}".formatted(first)).status())
                .as("the name is taken").isEqualTo(409);

        // /predict without a model or deployment asks the "default" deployment
        JsonNode answer = http.postJson("/predict", "{\"text\": \"a gorgeous film\"}").json();
        assertThat(answer.get("model").stringValue()).isEqualTo(first);
        assertThat(answer.get("deployment").stringValue()).isEqualTo("default");

        Http.Response canary = http.putJson(DEPLOYMENTS + "/default",
                "{\"canary\": {\"modelId\": \"%s\", \"percent\": 20}}".formatted(second));
        assertThat(canary.status()).as(canary.body()).isEqualTo(200);
        assertThat(canary.json().get("modelId").stringValue()).isEqualTo(first);
        Map<String, Integer> answeredBy = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            JsonNode routed = http.postJson("/predict", "{\"text\": \"a film\", \"deployment\": \"default\"}",
                    Map.of("X-Request-Id", "request-" + i)).json();
            answeredBy.merge(routed.get("model").stringValue(), 1, Integer::sum);
        }
        assertThat(answeredBy.get(second)).as("the canary's share of 500 requests: " + answeredBy).isBetween(75, 125);
        String sameId = http.postJson("/predict", "{\"text\": \"x\"}", Map.of("X-Request-Id", "request-7")).json()
                .get("model").stringValue();
        for (int i = 0; i < 5; i++) {
            assertThat(http.postJson("/predict", "{\"text\": \"y\"}", Map.of("X-Request-Id", "request-7")).json()
                    .get("model").stringValue()).as("one request id, one side").isEqualTo(sameId);
        }

        Http.Response deleteDeployed = http.delete("/api/v1/models/" + second);
        assertThat(deleteDeployed.status()).isEqualTo(409);
        assertThat(deleteDeployed.json().get("detail").stringValue()).contains("default");

        Http.Response promoted = http.putJson(DEPLOYMENTS + "/default", "{\"modelId\": \"%s\"}".formatted(second));
        assertThat(promoted.json().get("modelId").stringValue()).isEqualTo(second);
        assertThat(promoted.json().get("canary").isNull()).as("a promotion without a canary ends it").isTrue();
        assertThat(http.postJson("/predict", "{\"text\": \"a film\"}").json().get("model").stringValue()).isEqualTo(second);

        JsonNode rolledBack = http.postJson(DEPLOYMENTS + "/default/rollback", "").json();
        assertThat(rolledBack.get("modelId").stringValue()).isEqualTo(first);
        assertThat(http.postJson("/predict", "{\"text\": \"a film\"}").json().get("model").stringValue()).isEqualTo(first);
        JsonNode history = http.get(DEPLOYMENTS + "/default").json().get("history");
        assertThat(history).hasSize(4);
        assertThat(history.get(0).get("action").stringValue()).isEqualTo("rollback");
        assertThat(history.get(3).get("action").stringValue()).isEqualTo("created");
        assertThat(history.get(0).get("changedBy").stringValue()).isEqualTo("anonymous");
        assertThat(http.get("/actuator/prometheus").body())
                .contains("attune_predict_labels_total{deployment=\"default\"")
                .contains("attune_predict_deployment_latency_seconds_count{deployment=\"default\"");
    }

    @Test
    void badDeploymentRequestsAreExplained() {
        String model = importModel("tiny-bert-sst2");
        assertThat(http.postJson(DEPLOYMENTS, "{\"name\": \"Bad Name\", \"modelId\": \"%s\"}".formatted(model)).status())
                .isEqualTo(400);
        assertThat(http.postJson(DEPLOYMENTS, "{\"name\": \"eu\", \"modelId\": \"nope\"}").status()).isEqualTo(400);
        assertThat(http.postJson(DEPLOYMENTS, "{\"name\": \"eu\", \"modelId\": \"%s\"}".formatted(model)).status())
                .isEqualTo(201);
        assertThat(http.putJson(DEPLOYMENTS + "/eu", "{\"canary\": {\"modelId\": \"%s\", \"percent\": 150}}"
                .formatted(model)).status()).isEqualTo(400);
        Http.Response rollback = http.postJson(DEPLOYMENTS + "/eu/rollback", "");
        assertThat(rollback.status()).isEqualTo(409);
        assertThat(rollback.json().get("title").stringValue()).isEqualTo("Nothing to roll back to");
        assertThat(http.postJson("/predict", "{\"text\": \"a\", \"deployment\": \"missing\"}").status()).isEqualTo(404);
        assertThat(http.postJson("/predict", "{\"text\": \"a\", \"deployment\": \"eu\", \"model\": \"%s\"}"
                .formatted(model)).status()).isEqualTo(400);
        assertThat(http.delete(DEPLOYMENTS + "/eu").status()).isEqualTo(204);
        assertThat(http.get(DEPLOYMENTS + "/eu").status()).isEqualTo(404);
    }

    private String importModel(String name) {
        Http.Response response = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"name\": \"%s\"}".formatted(Golden.dir(name), name));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }
}
