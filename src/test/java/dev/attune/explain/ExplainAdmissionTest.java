package dev.attune.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Explanations are admitted up to attune.predict.explain.max-in-flight at once (the review's outage: slow explain
 * requests, unbounded, took every request thread): beyond it a 429 with Retry-After, and plain /predict answers
 * throughout.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "attune.predict.explain.max-in-flight=1")
class ExplainAdmissionTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void explanationsBeyondTheBoundAre429sAndPlainPredictionsStillAnswer() throws Exception {
        Http http = new Http(port);
        Http.Response imported = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\"}".formatted(Golden.dir("tiny-bert-sst2")));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String model = imported.json().get("id").stringValue();
        String explain = "{\"texts\": [\"a gorgeous, witty, seductive movie\", \"dull and lifeless\"], "
                + "\"explain\": true, \"steps\": 256}";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Http.Response>> explained = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                explained.add(pool.submit(() -> new Http(port).postJson("/api/v1/models/" + model + "/predict", explain)));
            }
            Http.Response plain = http.postJson("/api/v1/models/" + model + "/predict", "{\"text\": \"great fun\"}");
            assertThat(plain.status()).as(plain.body()).isEqualTo(200);
            int answered = 0;
            int refused = 0;
            for (Future<Http.Response> future : explained) {
                Http.Response response = future.get(120, TimeUnit.SECONDS);
                if (response.status() == 200) {
                    answered++;
                    assertThat(response.json().get("predictions").get(0).has("explanation")).isTrue();
                } else {
                    assertThat(response.status()).as(response.body()).isEqualTo(429);
                    assertThat(response.headers().getFirst("Retry-After")).isNotNull();
                    assertThat(response.json().get("detail").stringValue()).contains("max-in-flight");
                    refused++;
                }
            }
            assertThat(answered).isPositive();
            assertThat(refused).as("8 at once against a bound of 1").isPositive();
        } finally {
            pool.shutdownNow();
        }
    }
}
