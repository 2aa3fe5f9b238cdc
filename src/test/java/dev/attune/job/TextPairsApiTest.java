package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.ModelDownload;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Sentence pairs end to end through real HTTP, H2 and DJL on a tiny golden model (issue 24): a data set with a
 * textPairColumn trains a pair classifier whose answers follow the second text, /predict takes "textPair" and
 * "pairs", and every mismatch between a model and a request, or between a job's data sets, is a 400 saying so.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.jobs.progress-interval=0s", "attune.predict.precision=fp32"})
class TextPairsApiTest {

    private static Path exports;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path dataDir = TestDataDir.register(registry);
        exports = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-exports"));
        registry.add("attune.models.import-roots", () -> Golden.dir("tiny-bert").getParent() + "," + exports);
    }

    @LocalServerPort
    int port;
    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @Test
    void aPairDataSetTrainsAPairClassifierThatPredictReadsWithItsPair() throws IOException {
        JsonNode dataset = upload("pairs.csv", TrainingData.pairsCsv(200, 1), Map.of("textPairColumn", "text_pair"));
        assertThat(dataset.get("textPairColumn").stringValue()).isEqualTo("text_pair");
        JsonNode row = http.get("/api/v1/datasets/" + id(dataset) + "/rows?limit=1").json().get("rows").get(0);
        assertThat(row.get("textPair").stringValue()).isNotBlank();
        String test = id(upload("pairs-test.csv", TrainingData.pairsCsv(40, 2), Map.of("textPairColumn", "text_pair")));
        String single = id(upload("single.csv", TrainingData.csv(40, 3), Map.of()));

        Http.Response mixed = submit(id(dataset), single, "");
        assertThat(mixed.status()).as(mixed.body()).isEqualTo(400);
        assertThat(mixed.json().get("errors").toString()).contains("testDatasetId").contains("single texts")
                .contains("text pairs (column 'text_pair')");

        Http.Response submitted = submit(id(dataset), test, "");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode done = succeeded(id(submitted.json()));
        assertThat(done.get("testMetrics").get("accuracy").doubleValue()).as("the label follows the pair alone")
                .isGreaterThan(0.8);
        String modelId = done.get("modelId").stringValue();
        JsonNode modelResource = http.get("/api/v1/models/" + modelId).json();
        assertThat(modelResource.get("textPair").booleanValue()).isTrue();
        JsonNode calibration = modelResource.get("calibration");
        assertThat(calibration.get("temperature").doubleValue()).as("fitted on the validation rows").isPositive();
        assertThat(calibration.get("eceAfter").doubleValue()).isBetween(0.0, 1.0);

        String positive = "the film was great and wonderful";
        String negative = "the story was dull and a mess";
        JsonNode agrees = predict(modelId, "{\"text\": \"%s\", \"textPair\": \"%s\"}".formatted(negative, positive));
        assertThat(agrees.get(0).get("label").stringValue()).as("the pair decides, not the text").isEqualTo("agrees");
        JsonNode batch = predict(modelId, "{\"pairs\": [[\"%s\", \"%s\"], [\"%s\", \"%s\"]]}"
                .formatted(positive, negative, positive, positive));
        assertThat(List.of(batch.get(0).get("label").stringValue(), batch.get(1).get("label").stringValue()))
                .containsExactly("disagrees", "agrees");

        Http.Response withoutPair = http.postJson("/api/v1/models/" + modelId + "/predict", "{\"text\": \"a film\"}");
        assertThat(withoutPair.status()).isEqualTo(400);
        assertThat(withoutPair.json().get("title").stringValue()).isEqualTo("Text pair required");

        // its download imports back as a pair model without being told, and answers alike
        Path export = ModelDownload.unzip(port, modelId, exports);
        assertThat(Files.readString(export.resolve("config.json"))).contains("\"calibration\"", "\"temperature\"",
                "\"attune_text_pair\" : true");
        Http.Response imported = http.postJson("/api/v1/models/import", "{\"source\": \"%s\"}".formatted(export));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(imported.json().get("textPair").booleanValue()).isTrue();
        JsonNode again = predict(imported.json().get("id").stringValue(),
                "{\"text\": \"%s\", \"textPair\": \"%s\"}".formatted(negative, positive));
        assertThat(again.get(0).get("score").doubleValue()).isEqualTo(agrees.get(0).get("score").doubleValue(),
                within(1e-5));
    }

    @Test
    void aSingleTextModelAskedWithAPairAndMalformedPairsAre400() {
        JsonNode dataset = upload("single.csv", TrainingData.csv(60, 4), Map.of());
        JsonNode done = succeeded(id(submit(id(dataset), null,
                "\"epochs\": 1, \"longText\": \"sliding_window\", \"windowStride\": 8,").json()));
        String modelId = done.get("modelId").stringValue();
        // the job's long-text rule is the model's default: a long text is read in windows, 8 tokens apart
        Http.Response longText = http.postJson("/api/v1/models/" + modelId + "/predict",
                "{\"text\": \"" + "the film was great and fun ".repeat(20) + "\"}");
        assertThat(longText.json().get("predictions").get(0).get("windows").intValue()).isGreaterThan(5);
        assertThat(http.get("/api/v1/models/" + modelId).json().get("metrics").get("overMaxLength").has("training"))
                .isTrue();
        assertThat(http.get("/api/v1/models/" + modelId).json().get("textPair").booleanValue()).isFalse();
        Http.Response withPair = http.postJson("/api/v1/models/" + modelId + "/predict",
                "{\"text\": \"a film\", \"textPair\": \"a story\"}");
        assertThat(withPair.status()).isEqualTo(400);
        assertThat(withPair.json().get("title").stringValue()).isEqualTo("Single texts only");

        for (String body : List.of("{\"textPair\": \"alone\"}", "{\"pairs\": [[\"only one\"]]}",
                "{\"pairs\": [[\"a\", \"\"]]}", "{\"text\": \"a\", \"pairs\": [[\"a\", \"b\"]]}")) {
            Http.Response bad = http.postJson("/api/v1/models/" + modelId + "/predict", body);
            assertThat(bad.status()).as(body).isEqualTo(400);
        }
    }

    @Test
    void aRowWithAnEmptyPairOrAMissingPairColumnIsRefusedWithWhere() {
        Http.Response empty = http.upload("/api/v1/datasets", "gap.csv",
                "text,text_pair,label\na film,a story,yes\nanother film,,no\n".getBytes(StandardCharsets.UTF_8),
                Map.of("textPairColumn", "text_pair"));
        assertThat(empty.status()).as(empty.body()).isEqualTo(400);
        assertThat(empty.json().get("title").stringValue()).isEqualTo("Empty text pair");
        assertThat(empty.json().get("line").intValue()).isEqualTo(3);

        Http.Response missing = http.upload("/api/v1/datasets", "nopair.jsonl",
                "{\"text\": \"a\", \"label\": \"x\"}\n".getBytes(StandardCharsets.UTF_8), Map.of("textPairColumn", "hypothesis"));
        assertThat(missing.status()).as(missing.body()).isEqualTo(400);
        assertThat(missing.json().get("detail").stringValue()).contains("a text pair column 'hypothesis'");

        Http.Response jsonl = http.upload("/api/v1/datasets", "pairs.jsonl", """
                {"premise": "a film", "hypothesis": "a story", "label": "yes"}
                {"premise": "the film", "hypothesis": "the story", "label": "no"}
                """.getBytes(StandardCharsets.UTF_8), Map.of("textColumn", "premise", "textPairColumn", "hypothesis"));
        assertThat(jsonl.status()).as(jsonl.body()).isEqualTo(201);
        assertThat(jsonl.json().get("textPairColumn").stringValue()).isEqualTo("hypothesis");
    }

    private Http.Response submit(String datasetId, String testId, String extra) {
        List<String> fields = new ArrayList<>(List.of("\"datasetId\": \"" + datasetId + "\"",
                "\"baseModel\": \"" + Golden.dir("tiny-bert") + "\""));
        if (testId != null) {
            fields.add("\"testDatasetId\": \"" + testId + "\"");
        }
        return http.postJson("/api/v1/jobs", "{" + extra + String.join(", ", fields) + ", \"learningRate\": 0.003, "
                + "\"batchSize\": 8, \"maxLength\": 32, \"seed\": 3, \"validationSplit\": 0.2"
                + (extra.contains("epochs") ? "" : ", \"epochs\": 6") + "}");
    }

    private JsonNode succeeded(String jobId) {
        JsonNode job = JobPolling.awaitJob(http, jobId, j -> j.get("status").stringValue().matches(
                "SUCCEEDED|FAILED|CANCELLED"), "end");
        assertThat(job.get("status").stringValue()).as(job.toString()).isEqualTo("SUCCEEDED");
        return job;
    }

    private JsonNode predict(String modelId, String body) {
        Http.Response response = http.postJson("/api/v1/models/" + modelId + "/predict", body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("predictions");
    }

    private JsonNode upload(String name, String csv, Map<String, String> params) {
        Http.Response response = http.upload("/api/v1/datasets", name, csv.getBytes(StandardCharsets.UTF_8), params);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    private static String id(JsonNode node) {
        return node.get("id").stringValue();
    }
}
