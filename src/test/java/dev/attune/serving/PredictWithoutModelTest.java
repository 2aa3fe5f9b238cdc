package dev.attune.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A fresh service with no model at all: /predict says how to get one. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PredictWithoutModelTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void predictIs503SayingHowToGetAModelAndServingIs404() {
        Http http = new Http(port);
        Http.Response response = http.postJson("/predict", "{\"text\": \"hello\"}");
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.headers().getFirst("Retry-After")).isNotBlank();
        assertThat(response.json().get("detail").stringValue()).contains("/api/v1/models/import", "/api/v1/jobs");
        assertThat(http.get("/api/v1/serving").status()).isEqualTo(404);
    }
}
