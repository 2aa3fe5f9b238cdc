package dev.attune.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
 * What to label next (issue 33) end to end through real HTTP, H2 and a real tiny classifier on DJL, with two
 * workers: score a data set without labels, select the rows to label, label them into the next version of a
 * labelled data set, train on it. Also: the largest count, two selections at once, and bad selections explained.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.jobs.progress-interval=0s", "attune.predict.precision=fp32", "attune.jobs.devices=cpu,cpu"})
class SelectionApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;
    private Http http;
    private static String model;

    @BeforeEach
    void setUp() {
        http = new Http(port);
        if (model == null) {
            Http.Response imported = http.postJson("/api/v1/models/import",
                    "{\"source\": \"%s\", \"name\": \"sst2\"}".formatted(Golden.dir("tiny-bert-sst2")));
            assertThat(imported.status()).as(imported.body()).isEqualTo(201);
            model = imported.json().get("id").stringValue();
        }
    }

    @Test
    void theRowsToLabelAreSelectedFromAnUnlabelledDataSetLabelledIntoAVersionAndTrainedOn() {
        String poolCsv = TrainingData.csv(60, 3);
        String pool = upload("/api/v1/datasets", "pool.csv", poolCsv, Map.of("unlabelled", "true"));
        Http.Response submitted = http.postJson("/api/v1/predictions", """
                {"datasetId": "%s", "modelId": "%s", "select": {"strategy": "margin", "count": 10}}"""
                .formatted(pool, model));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode asked = submitted.json().get("select");
        assertThat(asked.get("strategy").stringValue()).isEqualTo("margin");
        assertThat(asked.get("count").intValue()).isEqualTo(10);
        assertThat(asked.get("seed").longValue()).as("the default seed").isEqualTo(42);
        assertThat(asked.get("selected").isNull()).isTrue();
        String id = submitted.json().get("id").stringValue();

        JsonNode done = awaitEnd(id);
        assertThat(done.get("status").stringValue()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("select").get("selected").intValue()).isEqualTo(10);
        assertThat(done.get("metrics").isNull()).as("no labels, no figures").isTrue();

        // the selection is the 10 results with the smallest gap between their two probabilities, smallest first
        List<JsonNode> results = http.get("/api/v1/predictions/" + id + "/results").body().lines()
                .map(JSON::readTree).toList();
        assertThat(results).hasSize(60).allMatch(r -> !r.has("label"));
        List<Long> byMargin = results.stream().sorted(Comparator.comparingDouble(SelectionApiTest::margin)
                .thenComparingLong(r -> r.get("index").longValue())).limit(10).map(r -> r.get("index").longValue())
                .toList();
        Http.Response selection = http.get("/api/v1/predictions/" + id + "/selection");
        assertThat(selection.status()).as(selection.body()).isEqualTo(200);
        assertThat(selection.contentType()).contains("application/json");
        JsonNode chosen = selection.json();
        assertThat(chosen.get("strategy").stringValue()).isEqualTo("margin");
        List<JsonNode> rows = chosen.get("rows").valueStream().toList();
        assertThat(rows.stream().map(r -> r.get("index").longValue()).toList()).isEqualTo(byMargin);
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            assertThat(row.get("rank").intValue()).isEqualTo(i + 1);
            assertThat(row.get("score").doubleValue()).as("|p(positive) - p(negative)|").isCloseTo(margin(row),
                    within(1e-9));
            assertThat(row.get("text").stringValue()).isEqualTo(results.get(row.get("index").intValue())
                    .get("text").stringValue());
        }
        List<String> jsonl = http.get("/api/v1/predictions/" + id + "/selection?format=jsonl").body().lines().toList();
        assertThat(jsonl).hasSize(10);
        assertThat(JSON.readTree(jsonl.get(0))).isEqualTo(rows.get(0));
        List<String> csv = http.get("/api/v1/predictions/" + id + "/selection?format=csv").body().lines().toList();
        assertThat(csv.get(0)).isEqualTo("rank,selection_score,index,text,label,predicted,score,p_negative,p_positive");
        assertThat(csv).hasSize(11);
        assertThat(http.get("/api/v1/predictions/" + id + "/selection?format=xml").status()).isEqualTo(400);

        // label the chosen rows (the pool's hidden labels) into the next version of a small labelled data set
        Map<String, String> truth = new HashMap<>();
        poolCsv.lines().skip(1).forEach(line -> truth.put(line.substring(0, line.lastIndexOf(',')),
                line.substring(line.lastIndexOf(',') + 1)));
        String labelled = "text,label\n" + rows.stream().map(r -> r.get("text").stringValue())
                .map(text -> text + "," + truth.get(text)).collect(Collectors.joining("\n")) + "\n";
        String seed = upload("/api/v1/datasets", "seed.csv", TrainingData.csv(20, 11), Map.of());
        Http.Response version = http.upload("/api/v1/datasets/" + seed + "/versions", "labelled.csv",
                labelled.getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(version.status()).as(version.body()).isEqualTo(201);
        assertThat(version.json().get("parentId").stringValue()).isEqualTo(seed);
        assertThat(version.json().get("version").intValue()).isEqualTo(2);
        int added = version.json().get("rowCount").intValue() - 20;
        assertThat(added + version.json().get("duplicateRows").intValue()).isEqualTo(10);

        Http.Response job = http.postJson("/api/v1/jobs", "{\"datasetId\": \"%s\", \"baseModel\": \"%s\", \"epochs\": 1}"
                .formatted(version.json().get("id").stringValue(), model));
        assertThat(job.status()).as(job.body()).isEqualTo(202);
        JsonNode trained = JobPolling.awaitEnd(http, job.json().get("id").stringValue());
        assertThat(trained.get("status").stringValue()).as(trained.toString()).isEqualTo("SUCCEEDED");
        assertThat(trained.get("modelId").isNull()).isFalse();
    }

    @Test
    void theLargestCountRanksEveryRowAndTwoSelectionsRunAtOnce() {
        String dataset = upload("/api/v1/datasets", "rows.csv", TrainingData.csv(40, 8), Map.of());
        String all = submit(dataset, "{\"strategy\": \"entropy\", \"count\": 40}");
        String drawn = submit(dataset, "{\"strategy\": \"random\", \"count\": 7, \"seed\": 5}");
        String again = submit(dataset, "{\"strategy\": \"random\", \"count\": 7, \"seed\": 5}");
        for (String id : List.of(all, drawn, again)) {
            JsonNode done = awaitEnd(id);
            assertThat(done.get("status").stringValue()).as(done.toString()).isEqualTo("SUCCEEDED");
            assertThat(done.get("metrics").get("accuracy")).as("labelled: figures too").isNotNull();
        }
        List<JsonNode> ranked = http.get("/api/v1/predictions/" + all + "/selection").json().get("rows").valueStream()
                .toList();
        assertThat(ranked).hasSize(40);
        assertThat(new HashSet<>(ranked.stream().map(r -> r.get("index").longValue()).toList())).hasSize(40);
        for (int i = 1; i < ranked.size(); i++) {
            assertThat(ranked.get(i).get("score").doubleValue()).as("highest entropy first")
                    .isLessThanOrEqualTo(ranked.get(i - 1).get("score").doubleValue());
        }
        assertThat(ranked.get(0).has("label")).as("a labelled data set's rows keep their label").isTrue();
        String first = http.get("/api/v1/predictions/" + drawn + "/selection?format=jsonl").body();
        assertThat(first.lines()).hasSize(7).allMatch(line -> JSON.readTree(line).get("score").isNull());
        assertThat(http.get("/api/v1/predictions/" + again + "/selection?format=jsonl").body())
                .as("the same seed draws the same rows").isEqualTo(first);
        assertThat(http.get("/api/v1/predictions").json().valueStream().filter(p -> p.has("select")).count())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void badSelectionsAreExplained() {
        String dataset = upload("/api/v1/datasets", "rows.csv", TrainingData.csv(12, 2), Map.of());
        assertRefused(dataset, model, "{\"strategy\": \"margin\", \"count\": 0}", "select.count: must be between 1 and "
                + "the data set's 12 rows, was 0");
        assertRefused(dataset, model, "{\"strategy\": \"margin\", \"count\": 13}", "was 13");
        assertRefused(dataset, model, "{\"strategy\": \"uncertainty\", \"count\": 3}", "unknown strategy 'uncertainty'; "
                + "use one of margin, entropy, least_confidence, random");
        assertRefused(dataset, model, "{\"count\": 3}", "select.strategy: required");
        assertRefused(dataset, model, "{\"strategy\": \"random\"}", "select.count: required");

        String plain = submit(dataset, null);
        awaitEnd(plain);
        Http.Response none = http.get("/api/v1/predictions/" + plain + "/selection");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json().get("title").stringValue()).isEqualTo("No selection");

        // a regression model has no probabilities: margin and the like do not apply, random does
        String scores = upload("/api/v1/datasets", "scores.csv", "text,score\n" + TrainingData.csv(16, 4).lines().skip(1)
                .map(line -> line.substring(0, line.lastIndexOf(',')) + "," + (line.endsWith("positive") ? "0.9" : "0.1"))
                .collect(Collectors.joining("\n")), Map.of("labelColumn", "score"));
        Http.Response job = http.postJson("/api/v1/jobs", ("{\"datasetId\": \"%s\", \"baseModel\": \"%s\", \"epochs\": 1, "
                + "\"problemType\": \"regression\"}").formatted(scores, model));
        assertThat(job.status()).as(job.body()).isEqualTo(202);
        JsonNode trained = JobPolling.awaitEnd(http, job.json().get("id").stringValue());
        String regression = trained.get("modelId").stringValue();
        assertRefused(scores, regression, "{\"strategy\": \"least_confidence\", \"count\": 3}",
                "is a regression (it predicts a number, no probabilities): margin, entropy and least_confidence do not "
                        + "apply; use random");
        Http.Response random = http.postJson("/api/v1/predictions", ("{\"datasetId\": \"%s\", \"modelId\": \"%s\", "
                + "\"select\": {\"strategy\": \"random\", \"count\": 3}}").formatted(scores, regression));
        assertThat(random.status()).as(random.body()).isEqualTo(202);
        String id = random.json().get("id").stringValue();
        assertThat(awaitEnd(id).get("status").stringValue()).isEqualTo("SUCCEEDED");
        assertThat(http.get("/api/v1/predictions/" + id + "/selection").json().get("rows")).hasSize(3);
    }

    private void assertRefused(String dataset, String modelId, String select, String message) {
        Http.Response refused = http.postJson("/api/v1/predictions", "{\"datasetId\": \"%s\", \"modelId\": \"%s\", "
                .formatted(dataset, modelId) + "\"select\": " + select + "}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.contentType()).contains("application/problem+json");
        assertThat(refused.json().get("errors").toString()).contains(message);
    }

    /** The gap between a row's two probabilities (the model has two labels). */
    private static double margin(JsonNode row) {
        JsonNode p = row.get("prediction").get("probabilities");
        return Math.abs(p.get("positive").doubleValue() - p.get("negative").doubleValue());
    }

    private String submit(String dataset, String select) {
        Http.Response submitted = http.postJson("/api/v1/predictions", "{\"datasetId\": \"%s\", \"modelId\": \"%s\"%s}"
                .formatted(dataset, model, select == null ? "" : ", \"select\": " + select));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        return submitted.json().get("id").stringValue();
    }

    private JsonNode awaitEnd(String id) {
        JobPolling.awaitEnd(http, id);
        return http.get("/api/v1/predictions/" + id).json();
    }

    private String upload(String path, String name, String content, Map<String, String> fields) {
        Http.Response response = http.upload(path, name, content.getBytes(StandardCharsets.UTF_8), fields);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }
}
