package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With keys configured, the API needs X-API-Key while health and the docs stay public. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "attune.security.api-keys=first-key,second-key")
class ApiKeySecurityTest {

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        TestDataDir.register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void apiWithoutKeyIs401ProblemJson() {
        Http.Response response = new Http(port).get("/api/v1/datasets");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").stringValue()).contains("X-API-Key");
    }

    @Test
    void apiWithWrongKeyIs401() {
        assertThat(new Http(port, Map.of("X-API-Key", "nope")).get("/api/v1/datasets").status()).isEqualTo(401);
        assertThat(new Http(port).postJson("/predict", "{}").status()).isEqualTo(401);
    }

    @Test
    void apiWithAnyConfiguredKeyIsServed() {
        assertThat(new Http(port, Map.of("X-API-Key", "first-key")).get("/api/v1/datasets").status()).isEqualTo(200);
        assertThat(new Http(port, Map.of("X-API-Key", "second-key")).get("/api/v1/datasets").status()).isEqualTo(200);
    }

    @Test
    void healthAndDocsStayPublic() {
        Http http = new Http(port);
        assertThat(http.get("/actuator/health").status()).isEqualTo(200);
        assertThat(http.get("/v3/api-docs").status()).isEqualTo(200);
        var spec = http.get("/v3/api-docs").json();
        assertThat(spec.get("components").get("securitySchemes").get("apiKey").get("name").stringValue())
                .isEqualTo("X-API-Key");
        assertThat(spec.get("paths").get("/predict").get("post").get("responses").has("401")).isTrue();
        assertThat(http.get("/swagger-ui/index.html").status()).isEqualTo(200);
    }
}
