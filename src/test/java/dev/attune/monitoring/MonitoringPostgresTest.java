package dev.attune.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.Postgres;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A cluster's counts on PostgreSQL (embedded, as production's shared database): this node's flush of real traffic
 * and another node's rows for the same deployment, model and minute, summed by the monitoring call; the retention's
 * delete.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "attune.monitoring.flush-interval=1h", "attune.monitoring.evaluate-interval=1h", "attune.node.name=pg-node-a"})
class MonitoringPostgresTest {

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
    MonitoringFlush flush;
    @Autowired
    MonitoringRepository repository;

    @Test
    void twoNodesCountsForTheSameMinuteAreSummed() {
        Http http = new Http(port);
        Http.Response imported = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"name\": \"pg\"}".formatted(Golden.dir("tiny-bert-sst2")));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String model = imported.json().get("id").stringValue();
        assertThat(http.postJson("/api/v1/deployments", "{\"name\": \"pg\", \"modelId\": \"%s\"}".formatted(model))
                .status()).isEqualTo(201);
        for (int i = 0; i < 2; i++) { // two flushes: the second adds to the rows the first inserted
            Http.Response answer = http.postJson("/predict", "{\"deployment\": \"pg\", \"texts\": [\"a good film\", "
                    + "\"a dull film\", \"fun\"]}");
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            flush.flush();
        }
        Instant minute = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 60 * 60);
        repository.add("pg-node-b", List.of(new TrafficCounters.CountRow("pg", model, minute, "traffic", "texts", 4),
                new TrafficCounters.CountRow("pg", model, minute, "traffic", "requests", 1),
                new TrafficCounters.CountRow("pg", model, minute, "truncated", "no", 4)));

        JsonNode window = http.get("/api/v1/deployments/pg/monitoring?window=PT5M").json().get("models").get(0);
        assertThat(window.get("texts").longValue()).as("6 here, 4 on the other node").isEqualTo(10);
        assertThat(window.get("requests").longValue()).isEqualTo(3);
        JsonNode truncated = null;
        for (JsonNode figure : window.get("figures")) {
            truncated = figure.get("figure").stringValue().equals("truncated") ? figure : truncated;
        }
        assertThat(truncated.get("bins").get(0).get("served").longValue()).isEqualTo(10);
        long perMinute = 0;
        for (JsonNode minuteTexts : window.get("minutes")) {
            perMinute += minuteTexts.get("texts").longValue();
        }
        assertThat(perMinute).isEqualTo(10);
        assertThat(repository.served(minute)).contains(new MonitoringRepository.DeploymentModel("pg", model));
        assertThat(repository.deleteBefore(minute.plusSeconds(120))).isPositive();
        assertThat(http.get("/api/v1/deployments/pg/monitoring").json().get("status").stringValue())
                .isEqualTo("no_traffic");
    }
}
