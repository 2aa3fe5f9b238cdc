package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Strategy setfit end to end through real HTTP, H2 and DJL on the tiny golden BERT (issue 33): a job on a small
 * labelled set trains contrastively, fits its logistic-regression head, reports validation and test figures,
 * registers a model that /predict serves (pooling + head), whose download is a sentence-transformers encoder with the
 * head beside it and imports back with the same answers; bad setfit requests are 400s saying what to do.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.jobs.progress-interval=0s", "attune.predict.precision=fp32"})
class SetFitApiTest {

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
    void aSetFitJobTrainsRegistersAndServesItsHeadOverPooledEmbeddings() throws IOException {
        String train = id(upload("few.csv", TrainingData.csv(32, 11)));
        String test = id(upload("few-test.csv", TrainingData.csv(60, 12)));
        Http.Response submitted = http.postJson("/api/v1/jobs", """
                {"datasetId": "%s", "validationDatasetId": "%s", "testDatasetId": "%s", "baseModel": "%s",
                 "strategy": "setfit", "setfit": {"pairsPerExample": 10}, "learningRate": 0.002, "maxLength": 32,
                 "seed": 5}""".formatted(train, test, test, Golden.dir("tiny-bert")));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode options = submitted.json().get("config").get("options");
        assertThat(options.get("strategy").stringValue()).isEqualTo("setfit");
        assertThat(options.get("setfit").get("pairsPerExample").intValue()).isEqualTo(10);
        assertThat(options.get("epochs").intValue()).as("SetFit's default").isEqualTo(1);
        assertThat(options.get("batchSize").intValue()).isEqualTo(16);

        JsonNode done = JobPolling.awaitEnd(http, id(submitted.json()));
        assertThat(done.get("status").stringValue()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("progress").get("totalSteps").intValue()).as("32 rows × 10 pairs / 16").isEqualTo(20);
        double testAccuracy = done.get("testMetrics").get("accuracy").doubleValue();
        assertThat(testAccuracy).as("the head separates the sentiment words").isGreaterThan(0.8);
        String log = http.get("/api/v1/jobs/" + id(submitted.json()) + "/log").body();
        assertThat(log).contains("setfit: 320 pairs", "pooling mean", "setfit head: logistic regression");

        String modelId = done.get("modelId").stringValue();
        JsonNode predictions = http.postJson("/predict", "{\"texts\": [\"a wonderful charming film\", "
                + "\"a dull awful mess\"]}").json();
        assertThat(predictions.get("model").stringValue()).isEqualTo(modelId);
        JsonNode good = predictions.get("predictions").get(0);
        assertThat(good.get("label").stringValue()).isEqualTo("positive");
        assertThat(predictions.get("predictions").get(1).get("label").stringValue()).isEqualTo("negative");

        Path export = ModelDownload.unzip(port, modelId, exports);
        assertThat(Files.readString(export.resolve("config.json"))).contains("\"BertModel\"",
                "\"attune_head\" : \"setfit\"", "\"attune_pooling\" : \"mean\"");
        assertThat(export.resolve("1_Pooling/config.json")).exists();
        assertThat(export.resolve("modules.json")).exists();
        Http.Response imported = http.postJson("/api/v1/models/import", "{\"source\": \"%s\"}".formatted(export));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        JsonNode again = http.postJson("/api/v1/models/" + id(imported.json()) + "/predict",
                "{\"text\": \"a wonderful charming film\"}").json().get("predictions").get(0);
        assertThat(again.get("score").doubleValue()).isEqualTo(good.get("score").doubleValue(), within(1e-5));
    }

    /** Multi-label (issue 33, "where SetFit supports it"): one-vs-rest heads, thresholds tuned, served with labels. */
    @Test
    void aMultiLabelSetFitJobLearnsEachLabelAndServesTheLabelsOverTheirThresholds() {
        String train = id(upload("topics.csv", TrainingData.multiLabelCsv(48, 3), Map.of("labelColumn", "labels")));
        String validation = id(upload("topics-dev.csv", TrainingData.multiLabelCsv(36, 4),
                Map.of("labelColumn", "labels")));
        Http.Response submitted = http.postJson("/api/v1/jobs", """
                {"datasetId": "%s", "validationDatasetId": "%s", "baseModel": "%s", "strategy": "setfit",
                 "setfit": {"pairsPerExample": 8}, "learningRate": 0.002, "maxLength": 32, "seed": 5}"""
                .formatted(train, validation, Golden.dir("tiny-bert")));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        assertThat(submitted.json().get("config").get("options").get("problemType").stringValue())
                .isEqualTo("multi_label_classification");
        JsonNode done = JobPolling.awaitEnd(http, id(submitted.json()));
        assertThat(done.get("status").stringValue()).as(done.toString()).isEqualTo("SUCCEEDED");
        String log = http.get("/api/v1/jobs/" + id(submitted.json()) + "/log").body();
        assertThat(log).contains("setfit head for label joy", "setfit head for label anger",
                "setfit head for label surprise");
        JsonNode best = done.get("validationMetrics");
        assertThat(best.get("f1Macro").doubleValue()).as(best.toString()).isGreaterThan(0.7);
        JsonNode answer = http.postJson("/api/v1/models/" + done.get("modelId").stringValue() + "/predict",
                "{\"texts\": [\"the film was great and wonderful\", \"a story with awful hate\"]}").json();
        JsonNode joy = answer.get("predictions").get(0);
        assertThat(joy.get("labels").toString()).as(joy.toString()).contains("joy");
        assertThat(joy.get("probabilities").get("joy").doubleValue()).as(joy.toString())
                .isGreaterThan(joy.get("probabilities").get("anger").doubleValue());
        double sum = 0;
        for (JsonNode p : joy.get("probabilities")) {
            sum += p.doubleValue();
        }
        assertThat(sum).as("independent sigmoids, not a softmax").isNotCloseTo(1.0, within(1e-3));
        JsonNode anger = answer.get("predictions").get(1);
        assertThat(anger.get("labels").toString()).as(anger.toString()).contains("anger");
        assertThat(anger.get("probabilities").get("anger").doubleValue()).as(anger.toString())
                .isGreaterThan(anger.get("probabilities").get("joy").doubleValue());
    }

    @Test
    void aRunningSetFitJobReportsContrastiveStepsAndStopsWhenCancelled() {
        String train = id(upload("long.csv", TrainingData.csv(32, 13)));
        Http.Response submitted = submit(train, "\"strategy\": \"setfit\", \"setfit\": {\"pairsPerExample\": 1000}, "
                + "\"maxLength\": 16, \"validationSplit\": 0.25");
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        String job = id(submitted.json());
        JsonNode running = JobPolling.awaitJob(http, job, j -> j.path("progress").path("step").asLong(0) >= 2,
                "report its second contrastive step");
        assertThat(running.get("progress").get("totalSteps").intValue()).as("24 rows × 1000 pairs / 16").isEqualTo(1500);
        assertThat(http.postJson("/api/v1/jobs/" + job + "/cancel", "").status()).isEqualTo(202);
        JsonNode ended = JobPolling.awaitEnd(http, job);
        assertThat(ended.get("status").stringValue()).as(ended.toString()).isEqualTo("CANCELLED");
        assertThat(ended.path("modelId").isNull() || ended.path("modelId").isMissingNode()).isTrue();
    }

    @Test
    void setFitRequestsItCannotTrainAre400sSayingWhatToDo() {
        String lonely = id(upload("lonely.csv", "text,label\na good film,positive\na great film,positive\n"
                + "a dull film,negative\n"));
        Http.Response one = submit(lonely, "\"strategy\": \"setfit\"");
        assertThat(one.status()).as(one.body()).isEqualTo(400);
        assertThat(one.json().get("detail").stringValue()).contains("setfit needs at least 2 examples of every label",
                "[negative]", "label another example");

        String stars = id(upload("stars.csv", TrainingData.starsCsv(20, 1).replaceFirst("stars", "label")));
        Http.Response regression = submit(stars, "\"strategy\": \"setfit\", \"problemType\": \"regression\"");
        assertThat(regression.status()).as(regression.body()).isEqualTo(400);
        assertThat(regression.json().get("detail").stringValue()).contains("setfit trains classifiers (single- or multi-label)",
                "use strategy full");

        String fine = id(upload("fine.csv", TrainingData.csv(20, 2)));
        Http.Response misplaced = submit(fine, "\"setfit\": {\"pairsPerExample\": 8}");
        assertThat(misplaced.status()).as(misplaced.body()).isEqualTo(400);
        assertThat(misplaced.json().get("detail").stringValue()).contains("setfit: applies to strategy setfit only");
        Http.Response bounds = submit(fine, "\"strategy\": \"setfit\", \"setfit\": {\"pairsPerExample\": 1}");
        assertThat(bounds.status()).as(bounds.body()).isEqualTo(400);
        assertThat(bounds.json().get("detail").stringValue()).contains("pairsPerExample");

        Http.Response ignored = submit(fine, "\"strategy\": \"setfit\", \"gradientAccumulationSteps\": 4, "
                + "\"earlyStoppingPatience\": 2, \"evalEverySteps\": 10, \"classWeights\": \"balanced\", "
                + "\"precision\": \"fp16\", \"groupByLength\": true");
        assertThat(ignored.status()).as(ignored.body()).isEqualTo(400);
        assertThat(ignored.json().get("errors")).as("one problem per option setfit would ignore").hasSize(6);
        assertThat(ignored.json().get("detail").stringValue()).contains("gradientAccumulationSteps: 4",
                "earlyStoppingPatience: 2", "evalEverySteps: 10", "classWeights:", "precision: fp16",
                "groupByLength:", "raise batchSize instead");
        assertThat(submit(fine, "\"strategy\": \"setfit\", \"gradientAccumulationSteps\": 1, \"classWeights\": "
                + "\"none\", \"epochs\": 1, \"setfit\": {\"pairsPerExample\": 2}").status())
                .as("the defaults, said out loud, are accepted").isEqualTo(202);
    }

    private Http.Response submit(String datasetId, String extra) {
        return http.postJson("/api/v1/jobs", "{\"datasetId\": \"%s\", \"baseModel\": \"%s\", %s}".formatted(datasetId,
                Golden.dir("tiny-bert"), extra));
    }

    private JsonNode upload(String name, String csv) {
        return upload(name, csv, Map.of());
    }

    private JsonNode upload(String name, String csv, Map<String, String> fields) {
        Http.Response response = http.upload("/api/v1/datasets", name, csv.getBytes(StandardCharsets.UTF_8), fields);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    private static String id(JsonNode node) {
        return node.get("id").stringValue();
    }
}
