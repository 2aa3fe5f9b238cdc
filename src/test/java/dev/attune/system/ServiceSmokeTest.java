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

/** The service starts with defaults: DJL engine loaded offline and reported in health, API documented. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ServiceSmokeTest {

    private static java.nio.file.Path dataDir;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        dataDir = TestDataDir.register(registry);
    }

    @Test
    void healthWatchesTheDataDirsDisk() {
        JsonNode disk = new Http(port).get("/actuator/health").json().get("components").get("diskSpace");
        assertThat(disk.get("details").get("path").stringValue()).isEqualTo(dataDir.toAbsolutePath().toString());
        assertThat(disk.get("details").get("threshold").longValue()).isEqualTo(100L * 1024 * 1024);
    }

    @LocalServerPort
    int port;

    @Test
    void healthReportsTheDjlEngineAndItsDevices() {
        JsonNode health = new Http(port).get("/actuator/health").json();
        assertThat(health.get("status").stringValue()).isEqualTo("UP");
        JsonNode engine = health.get("components").get("engine");
        assertThat(engine.get("status").stringValue()).isEqualTo("UP");
        assertThat(engine.get("details").get("engine").stringValue()).isEqualTo("PyTorch");
        assertThat(engine.get("details").get("version").stringValue()).isEqualTo("2.7.1");
        assertThat(engine.get("details").get("devices").get(0).get("name").stringValue()).isEqualTo("cpu");
        assertThat(health.get("components").get("db").get("status").stringValue()).isEqualTo("UP");
    }

    @Test
    void openApiDocumentsTheDatasetEndpoints() {
        JsonNode docs = new Http(port).get("/v3/api-docs").json();
        assertThat(docs.get("paths").has("/api/v1/datasets")).isTrue();
        assertThat(docs.get("paths").has("/api/v1/datasets/{id}/rows")).isTrue();
    }

    @Test
    void h2ConsoleIsOffByDefault() {
        assertThat(new Http(port).get("/h2-console/").status()).isEqualTo(404);
    }

    @Test
    void unknownPathIs404ProblemJson() {
        Http.Response response = new Http(port).get("/api/v1/nothing-here");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }
}
