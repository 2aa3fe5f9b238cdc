package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

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

/** An API-only node (attune.node.roles=api) takes jobs into the queue but trains nothing and serves no /predict. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.node.roles=api", "attune.node.name=front-1"})
class ApiNodeRoleTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void jobsWaitForAWorkerAndPredictIsNotServedHere() throws InterruptedException {
        Http http = new Http(port);
        String datasetId = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(40, 1).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();
        String id = http.postJson("/api/v1/jobs", """
                {"datasetId": "%s", "baseModel": "%s", "epochs": 1}"""
                .formatted(datasetId, Golden.dir("tiny-bert"))).json().get("id").stringValue();
        Thread.sleep(1500); // several poll intervals: no worker here to claim it
        assertThat(http.get("/api/v1/jobs/" + id).json().get("status").stringValue()).isEqualTo("QUEUED");
        assertThat(http.postJson("/predict", "{\"text\": \"hi\"}").status()).isEqualTo(404);
        JsonNode nodes = http.get("/api/v1/nodes").json();
        assertThat(nodes.get(0).get("name").stringValue()).isEqualTo("front-1");
        assertThat(nodes.get(0).get("roles").toString()).isEqualTo("[\"api\"]");
        assertThat(nodes.get(0).get("devices")).isEmpty();
        assertThat(http.postJson("/api/v1/jobs/" + id + "/cancel", "").status()).isEqualTo(202);
        assertThat(http.get("/api/v1/jobs/" + id).json().get("status").stringValue()).isEqualTo("CANCELLED");
    }
}
