package dev.attune.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Models that stay put (issue 32): a deployment's model and its canary stay loaded whatever other models callers
 * name, the others are kept within a memory budget shown in the serving status, and a serving-precision change
 * made through another node (here: written to the shared database directly) reaches the kept models too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "attune.predict.refresh-interval=200ms", "attune.predict.kept-models-memory=1KB",
        "attune.predict.precision=fp32"})
class KeptModelsApiTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void deploymentsModelsStayLoadedWhateverElseIsNamedAndPrecisionChangesReachThemFromTheDatabase() {
        Http http = new Http(port);
        String best = importModel(http, "tiny-bert-sst2");
        String deployed = importModel(http, "tiny-roberta-sst2");
        String canary = importModel(http, "tiny-bert-sst2");
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            others.add(importModel(http, i % 2 == 0 ? "tiny-roberta-sst2" : "tiny-bert-sst2"));
        }
        assertThat(http.postJson("/api/v1/models/" + best + "/promote", "").status()).isEqualTo(200);
        assertThat(http.postJson("/api/v1/deployments", "{\"name\": \"web\", \"modelId\": \"%s\"}".formatted(deployed))
                .status()).isEqualTo(201);
        assertThat(http.putJson("/api/v1/deployments/web", "{\"canary\": {\"modelId\": \"%s\", \"percent\": 10}}"
                .formatted(canary)).status()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> pinned(http).size() == 2);

        for (String other : others) { // each beyond a 1 KB budget: only the newest stays
            assertThat(http.postJson("/api/v1/models/" + other + "/predict", "{\"text\": \"a film\"}").status())
                    .isEqualTo(200);
        }

        JsonNode kept = http.get("/api/v1/serving").json().get("keptModels");
        assertThat(kept.get("budgetBytes").longValue()).isEqualTo(1024);
        assertThat(pinned(http)).containsExactlyInAnyOrder(deployed, canary);
        List<String> unpinned = new ArrayList<>();
        kept.get("models").forEach(m -> {
            if (!m.get("pinned").booleanValue()) {
                unpinned.add(m.get("modelId").stringValue());
            }
        });
        assertThat(unpinned).containsExactly(others.get(4));

        // a precision change made through another node: only the shared table changes here
        jdbc.sql("UPDATE model SET serving_precision = 'int8' WHERE id = ?").param(deployed).update();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (JsonNode m : http.get("/api/v1/serving").json().get("keptModels").get("models")) {
                if (m.get("modelId").stringValue().equals(deployed)) {
                    return m.get("engine").stringValue().contains("int8") && m.get("pinned").booleanValue();
                }
            }
            return false;
        });
        JsonNode answer = http.postJson("/predict", "{\"text\": \"a film\", \"deployment\": \"web\"}",
                java.util.Map.of("X-Request-Id", "r-0")).json();
        assertThat(answer.get("predictions")).hasSize(1);
    }

    private static List<String> pinned(Http http) {
        List<String> pinned = new ArrayList<>();
        http.get("/api/v1/serving").json().get("keptModels").get("models").forEach(m -> {
            if (m.get("pinned").booleanValue()) {
                pinned.add(m.get("modelId").stringValue());
            }
        });
        return pinned;
    }

    private static String importModel(Http http, String name) {
        Http.Response response = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"name\": \"%s\"}".formatted(Golden.dir(name), name));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }
}
