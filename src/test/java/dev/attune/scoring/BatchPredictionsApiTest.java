package dev.attune.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
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
        properties = {"attune.jobs.progress-interval=0s", "attune.predict.precision=fp32"})
class BatchPredictionsApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;
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
