package dev.attune.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Batch scoring end to end through real HTTP, H2 and a real golden classifier (issue 22): a job on the queue
 * scores every row as /predict answers it, its metrics are what the result rows give, and the results come
 * back as JSON lines and CSV. Also: long texts read in windows, and a fine-tuned model's calibration.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.jobs.progress-interval=0s", "attune.predict.precision=fp32",
                "attune.predictions.cleanup-interval=200ms"})
class BatchPredictionsApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Path dataDir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        dataDir = TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @Test
    void aDataSetIsScoredAsPredictAnswersWithTheMetricsItsRowsGive() {
        String model = importModel("tiny-bert-sst2");
        String dataset = upload("reviews.csv", TrainingData.csv(300, 5));
        Http.Response submitted = http.postJson("/api/v1/predictions",
                "{\"datasetId\": \"%s\", \"modelId\": \"%s\"}".formatted(dataset, model));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        String id = submitted.json().get("id").stringValue();
        JsonNode done = awaitEnd(id);
        assertThat(done.get("status").stringValue()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("rows").intValue()).isEqualTo(300);
        assertThat(done.get("rowsDone").intValue()).isEqualTo(300);
        assertThat(done.get("textsPerSecond").doubleValue()).isPositive();

        String jsonl = http.get("/api/v1/predictions/" + id + "/results").body();
        List<JsonNode> rows = jsonl.lines().map(JSON::readTree).toList();
        assertThat(rows).hasSize(300);
        long right = rows.stream().filter(r -> r.get("label").stringValue()
                .equals(r.get("prediction").get("label").stringValue())).count();
        JsonNode metrics = done.get("metrics");
        assertThat(metrics.get("accuracy").doubleValue()).as("the figures the rows give").isEqualTo(right / 300.0,
                within(1e-9));
        assertThat(metrics.has("confusionMatrix") || metrics.has("f1Macro")).isTrue();

        // the same answers /predict gives for the same texts
        JsonNode first = rows.get(0);
        JsonNode served = http.postJson("/api/v1/models/" + model + "/predict",
                "{\"text\": " + JSON.writeValueAsString(first.get("text").stringValue()) + "}").json()
                .get("predictions").get(0);
        assertThat(first.get("prediction").get("score").doubleValue()).isEqualTo(served.get("score").doubleValue(),
                within(1e-6));

        String csv = http.get("/api/v1/predictions/" + id + "/results?format=csv").body();
        assertThat(csv.lines().findFirst().orElseThrow()).isEqualTo("index,text,label,predicted,score,p_negative,p_positive");
        assertThat(csv.lines().count()).isEqualTo(301);
        assertThat(http.get("/api/v1/predictions/" + id + "/results?format=xml").status()).isEqualTo(400);
    }

    @Test
    void badBatchPredictionsAreExplained() {
        String model = importModel("tiny-bert-sst2");
        Http.Response neither = http.postJson("/api/v1/predictions", "{\"datasetId\": \"nope\"}");
        assertThat(neither.status()).isEqualTo(400);
        assertThat(neither.json().get("errors").toString()).contains("datasetId", "modelId");
        Http.Response unknownDeployment = http.postJson("/api/v1/predictions",
                "{\"datasetId\": \"%s\", \"deployment\": \"missing\"}".formatted(upload("x.csv", TrainingData.csv(4, 1))));
        assertThat(unknownDeployment.json().get("errors").toString()).contains("no deployment is named 'missing'");
        assertThat(http.get("/api/v1/predictions/" + model).status()).as("not a job id").isEqualTo(404);
    }

    @Test
    void batchPredictionsAreListedNewestFirstAndADeleteRemovesTheirResults() {
        String model = importModel("tiny-bert-sst2");
        String dataset = upload("few.csv", TrainingData.csv(12, 2));
        String older = submit(dataset, model, "");
        String newer = submit(dataset, model, "");
        assertThat(awaitEnd(older).get("status").stringValue()).isEqualTo("SUCCEEDED");
        assertThat(awaitEnd(newer).get("status").stringValue()).isEqualTo("SUCCEEDED");

        Http.Response listed = http.get("/api/v1/predictions");
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        List<String> ids = ids(listed.json());
        assertThat(ids).containsSubsequence(newer, older);
        assertThat(listed.json().get(0).get("datasetId").stringValue()).isEqualTo(dataset);
        assertThat(ids(http.get("/api/v1/predictions?limit=1").json())).containsExactly(ids.get(0));
        assertThat(ids(http.get("/api/v1/predictions?status=QUEUED").json())).doesNotContain(newer, older);
        assertThat(http.get("/api/v1/predictions?limit=0").status()).isEqualTo(400);

        Path files = dataDir.resolve("jobs").resolve(older);
        assertThat(files).isDirectory();
        Http.Response deleted = http.delete("/api/v1/predictions/" + older);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(files).as("its results and log").doesNotExist();
        assertThat(http.get("/api/v1/predictions/" + older).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/predictions/" + older + "/results").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/jobs/" + older).status()).as("the job record too").isEqualTo(404);
        assertThat(ids(http.get("/api/v1/predictions").json())).contains(newer).doesNotContain(older);
        assertThat(http.delete("/api/v1/predictions/" + older).status()).isEqualTo(404);
        assertThat(http.get("/api/v1/predictions/" + newer + "/results").body().lines()).hasSize(12);
    }

    @Test
    void batchPredictionsThatEndedLongerAgoThanTheRetentionAreRemoved() throws InterruptedException {
        String model = importModel("tiny-bert-sst2");
        String dataset = upload("old.csv", TrainingData.csv(8, 4));
        String old = submit(dataset, model, "");
        String recent = submit(dataset, model, "");
        awaitEnd(old);
        awaitEnd(recent);
        Path files = dataDir.resolve("jobs").resolve(old);
        assertThat(files).isDirectory();

        jdbc.sql("UPDATE job SET finished_at = ? WHERE id = ?") // ended 31 days ago (the default retention is 30)
                .params(Timestamp.from(Instant.now().minus(Duration.ofDays(31))), old).update();
        long deadline = System.currentTimeMillis() + 15_000;
        int status = 200;
        while (System.currentTimeMillis() < deadline && (status = http.get("/api/v1/predictions/" + old).status()) != 404) {
            Thread.sleep(50);
        }
        assertThat(status).as("removed by the clean-up").isEqualTo(404);
        assertThat(files).doesNotExist();
        assertThat(http.get("/api/v1/predictions/" + recent).status()).as("a recent one stays").isEqualTo(200);
        assertThat(dataDir.resolve("jobs").resolve(recent)).isDirectory();
    }

    @Test
    void aBatchPredictionRanksAboveTrainingJobsUnlessAskedOtherwise() {
        String model = importModel("tiny-bert-sst2");
        String dataset = upload("p.csv", TrainingData.csv(4, 1));
        String byDefault = submit(dataset, model, "");
        assertThat(http.get("/api/v1/predictions/" + byDefault).json().get("priority").intValue())
                .as("above a training job's default (0)").isEqualTo(50);
        assertThat(http.get("/api/v1/jobs/" + byDefault).json().get("config").get("priority").intValue()).isEqualTo(50);
        String low = submit(dataset, model, ", \"priority\": -5");
        assertThat(http.get("/api/v1/predictions/" + low).json().get("priority").intValue()).isEqualTo(-5);
        Http.Response tooHigh = http.postJson("/api/v1/predictions",
                "{\"datasetId\": \"%s\", \"modelId\": \"%s\", \"priority\": 101}".formatted(dataset, model));
        assertThat(tooHigh.status()).isEqualTo(400);
        assertThat(tooHigh.json().get("errors").toString()).contains("priority");
        awaitEnd(byDefault);
        awaitEnd(low);
    }

    @Test
    void aLongTextIsReadInWindowsWhenAsked() {
        String model = importModel("tiny-bert-sst2");
        String longText = "the film was great and wonderful and fun ".repeat(40) + "but the end was a dull boring mess";
        JsonNode truncated = predict(model, longText, null);
        assertThat(truncated.get("truncated").booleanValue()).isTrue();
        assertThat(truncated.has("windows")).isFalse();
        JsonNode windows = predict(model, longText, "sliding_window");
        assertThat(windows.get("truncated").booleanValue()).as("every token read").isFalse();
        assertThat(windows.get("windows").intValue()).isGreaterThan(2);
        assertThat(windows.get("score").doubleValue()).isNotEqualTo(truncated.get("score").doubleValue());
        JsonNode headTail = predict(model, longText, "head_tail");
        assertThat(headTail.get("truncated").booleanValue()).isTrue();
        assertThat(headTail.get("score").doubleValue()).isNotEqualTo(truncated.get("score").doubleValue());
    }

    private JsonNode predict(String model, String text, String longText) {
        Http.Response response = http.postJson("/api/v1/models/" + model + "/predict", "{\"text\": %s%s}".formatted(
                JSON.writeValueAsString(text), longText == null ? "" : ", \"longText\": \"" + longText + "\""));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("predictions").get(0);
    }

    private String submit(String dataset, String model, String more) {
        Http.Response submitted = http.postJson("/api/v1/predictions",
                "{\"datasetId\": \"%s\", \"modelId\": \"%s\"%s}".formatted(dataset, model, more));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        return submitted.json().get("id").stringValue();
    }

    private static List<String> ids(JsonNode list) {
        return list.valueStream().map(p -> p.get("id").stringValue()).toList();
    }

    private JsonNode awaitEnd(String id) {
        JobPolling.awaitJob(http, id, j -> j.get("status").stringValue().matches("SUCCEEDED|FAILED|CANCELLED"), "end");
        return http.get("/api/v1/predictions/" + id).json();
    }

    private String importModel(String name) {
        Http.Response response = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"name\": \"%s\"}".formatted(Golden.dir(name), name));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }

    private String upload(String name, String csv) {
        Http.Response response = http.upload("/api/v1/datasets", name, csv.getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }
}
