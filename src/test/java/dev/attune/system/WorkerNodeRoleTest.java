package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** A worker node (attune.node.roles=worker) answers health and metrics only: no API, no dashboard, no /predict. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.node.roles=worker", "attune.node.name=gpu-box-1"})
class WorkerNodeRoleTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void theApiAndPredictAreProblemsNamingTheRolesAndHealthAnswers() {
        Http http = new Http(port);
        Http.Response jobs = http.get("/api/v1/jobs");
        assertThat(jobs.status()).isEqualTo(404);
        assertThat(jobs.contentType()).startsWith("application/problem+json");
        assertThat(jobs.json().get("detail").stringValue()).contains("gpu-box-1", "[worker]", "the role 'api'");
        assertThat(http.postJson("/predict", "{\"text\": \"hi\"}").json().get("detail").stringValue())
                .contains("the role 'serving'");
        assertThat(http.get("/").status()).isEqualTo(404);
        assertThat(http.get("/actuator/prometheus").status()).isEqualTo(200);
        JsonNode cluster = http.get("/actuator/health").json().get("components").get("cluster").get("details");
        assertThat(cluster.get("node").stringValue()).isEqualTo("gpu-box-1");
        assertThat(cluster.get("roles").toString()).isEqualTo("[\"worker\"]");
        assertThat(cluster.get("workers").toString()).isEqualTo("[\"cpu\"]");
        assertThat(cluster.get("database").stringValue()).isEqualTo("embedded (H2)");
    }
}
