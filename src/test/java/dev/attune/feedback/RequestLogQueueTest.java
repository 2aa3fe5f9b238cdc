package dev.attune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A request log whose queue cannot hold a request drops it whole and counts it; /predict answers all the same. A
 * request's texts are written together even in batches of one row: a reader never sees part of a request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.feedback.request-log.rate=1", "attune.feedback.request-log.queue-capacity=2",
                "attune.feedback.request-log.batch-size=1"})
class RequestLogQueueTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void aRequestTheQueueCannotHoldIsDroppedWholeAndCounted() {
        FeedbackClient client = new FeedbackClient(port);
        String model = client.importModel("tiny-bert-sst2");
        Http.Response three = client.http.postJson("/api/v1/models/" + model + "/predict",
                "{\"texts\": [\"great fun\", \"a dull mess\", \"fine\"]}", java.util.Map.of("X-Request-Id", "three"));
        assertThat(three.status()).as("answered whatever the log does").isEqualTo(200);
        client.predict(model, "great fun", "one");
        client.awaitLogged("one"); // written after "three" would have been: one writer, in order

        assertThat(client.http.get("/api/v1/feedback/requests/three").status()).isEqualTo(404);
        JsonNode dropped = client.http.get("/actuator/metrics/attune.feedback.request-log.dropped?tag=reason:queue_full")
                .json();
        assertThat(dropped.get("measurements").get(0).get("value").doubleValue()).as(dropped.toString()).isEqualTo(3);
    }

    @Test
    void aRequestsTextsAreLoggedTogetherOrNotAtAll() {
        FeedbackClient client = new FeedbackClient(port);
        String model = client.importModel("tiny-bert-sst2");
        for (int i = 0; i < 10; i++) {
            Http.Response two = client.http.postJson("/api/v1/models/" + model + "/predict",
                    "{\"texts\": [\"great fun\", \"a dull mess\"]}", java.util.Map.of("X-Request-Id", "two-" + i));
            assertThat(two.status()).isEqualTo(200);
            assertThat(client.awaitLogged("two-" + i)).as("the first time request two-" + i + " is seen").hasSize(2);
        }
    }
}
