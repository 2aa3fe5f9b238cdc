package dev.attune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The request log sampling half the requests, texts not kept (the default): about half are logged, none with its
 * text; feedback on them counts in accuracy but makes no data-set row; the purge removes what is past retention.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.feedback.request-log.rate=0.5", "attune.feedback.request-log.batch-size=7"})
class RequestLogSamplingTest {

    private static final int REQUESTS = 400;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    RequestLogPurge purge;

    @Test
    void aboutTheRateIsLoggedWithoutTextsAndThePurgeRemovesWhatIsPastRetention() {
        FeedbackClient client = new FeedbackClient(port);
        String model = client.importModel("tiny-bert-sst2");
        for (int i = 0; i < REQUESTS; i++) {
            client.predict(model, "great fun " + i, "sample-" + i);
        }
        long logged = awaitSettled("sample-%");
        // binomial(400, 0.5): sd 10; 150..250 is five sd either side
        assertThat(logged).as("logged of %d at rate 0.5", REQUESTS).isBetween(150L, 250L);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM served_request WHERE text IS NOT NULL").query(Long.class).single())
                .as("texts are not stored unless store-texts is on").isZero();

        String kept = jdbc.sql("SELECT request_id FROM served_request WHERE request_id LIKE 'sample-%' "
                + "ORDER BY request_id FETCH FIRST 1 ROWS ONLY").query(String.class).single();
        JsonNode logEntry = client.http.get("/api/v1/feedback/requests/" + kept).json().get(0);
        assertThat(logEntry.has("text") && !logEntry.get("text").isNull()).isFalse();
        JsonNode given = FeedbackApiTest.give(client.http, "{\"requestId\": \"" + kept + "\", \"label\": \"negative\"}", 200);
        assertThat(given.get("hasText").booleanValue()).isFalse();
        assertThat(client.accuracyOf(model).get("count").longValue()).isEqualTo(1);
        Http.Response noRows = client.http.postJson("/api/v1/feedback/datasets", "{\"model\": \"" + model + "\", "
                + "\"datasetId\": \"" + client.upload(dev.attune.support.TrainingData.csv(20, 1)) + "\"}");
        assertThat(noRows.status()).as(noRows.body()).isEqualTo(400);
        assertThat(noRows.json().get("detail").stringValue()).contains("1 without one", "store-texts");

        Instant cutoff = Instant.now();
        FeedbackClient.sleep(20);
        for (int i = 0; i < 40; i++) {
            client.predict(model, "later " + i, "later-" + i);
        }
        long later = awaitSettled("later-%");
        assertThat(later).as("40 at rate 0.5").isPositive();
        assertThat(purge.purge(cutoff)).isEqualTo(logged);
        assertThat(count("sample-%")).isZero();
        assertThat(count("later-%")).as("served after the cutoff: kept").isEqualTo(later);
        JsonNode gone = FeedbackApiTest.give(client.http, "{\"requestId\": \"" + kept + "\", \"label\": \"positive\"}", 404);
        assertThat(gone.get("detail").stringValue()).contains("retention", "0.5");
        assertThat(client.accuracyOf(model).get("count").longValue()).as("feedback outlives the log").isEqualTo(1);
    }

    /** The logged count once the writer has caught up (it no longer grows). */
    private long awaitSettled(String pattern) {
        long previous = -1;
        long now = count(pattern);
        long deadline = System.currentTimeMillis() + 30_000;
        while (now != previous && System.currentTimeMillis() < deadline) {
            FeedbackClient.sleep(500);
            previous = now;
            now = count(pattern);
        }
        assertThat(now).as("the log still growing after 30 s").isEqualTo(previous);
        return now;
    }

    private long count(String pattern) {
        return jdbc.sql("SELECT COUNT(*) FROM served_request WHERE request_id LIKE ?").param(pattern)
                .query(Long.class).single();
    }
}
