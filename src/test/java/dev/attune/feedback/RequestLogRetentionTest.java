package dev.attune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The node's own purge, driven by the clock: a logged request goes once it is older than the retention. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.feedback.request-log.rate=1", "attune.feedback.request-log.retention=3s",
                "attune.feedback.request-log.purge-interval=200ms"})
class RequestLogRetentionTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void aLoggedRequestIsPurgedOncePastRetention() {
        FeedbackClient client = new FeedbackClient(port);
        String model = client.importModel("tiny-bert-sst2");
        long served = System.currentTimeMillis();
        client.predict(model, "great fun", "short-lived");
        client.awaitLogged("short-lived");

        long deadline = served + 30_000;
        int status = 200;
        while (status == 200 && System.currentTimeMillis() < deadline) {
            FeedbackClient.sleep(100);
            status = client.http.get("/api/v1/feedback/requests/short-lived").status();
        }
        long gone = System.currentTimeMillis() - served;
        assertThat(status).as("still logged %d ms after it was served", gone).isEqualTo(404);
        assertThat(gone).as("kept for its retention (3 s)").isGreaterThanOrEqualTo(2_900);
    }
}
