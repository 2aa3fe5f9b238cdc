package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import dev.attune.files.FileTrees;
import dev.attune.modeling.ClassifierModel;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.ModelDownload;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import dev.attune.training.Example;
import dev.attune.training.FineTuner;
import dev.attune.training.TokenizedExamples;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Multi-label classification and regression end to end through real HTTP, H2 and DJL on a tiny golden
 * model: upload → job → model → /predict → export, and the export reloads with the same outputs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // fp32 serving: the export's reloaded outputs are compared with the served ones to 1e-5 (int8 would differ)
        properties = {"attune.jobs.progress-interval=0s", "attune.predict.precision=fp32"})
class ProblemTypesApiTest {

    private static final String JOBS = "/api/v1/jobs";
    private static Path dataDir;
    private static Path exports;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        dataDir = TestDataDir.register(registry);
        exports = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-exports"));
        // the golden checkpoints to fine-tune, and the exports to import back
        registry.add("attune.models.import-roots", () -> Golden.dir("tiny-bert").getParent() + "," + exports);
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @Test
    void multiLabelDataTrainsWithTunedThresholdsThatServingAndTheExportKeep() throws IOException {
        JsonNode dataset = upload("emotions.csv", TrainingData.multiLabelCsv(120, 1), Map.of("labelColumn", "labels"));
        assertThat(dataset.get("suggestedProblemType").stringValue()).isEqualTo("multi_label_classification");
        assertThat(dataset.get("multiLabelRows").intValue()).isEqualTo(30);
        assertThat(dataset.get("labels").get("joy").intValue()).isGreaterThan(40); // 40 alone + some pairs
        JsonNode rows = http.get("/api/v1/datasets/" + id(dataset) + "/rows?limit=1").json().get("rows");
        assertThat(rows.get(0).get("labels")).hasSize(2);
        String test = id(upload("emotions-test.csv", TrainingData.multiLabelCsv(30, 2), Map.of("labelColumn", "labels")));

        JsonNode job = submit("""
                {"datasetId": "%s", "testDatasetId": "%s", "baseModel": "%s", "epochs": 6, "learningRate": 0.003,
                 "batchSize": 8, "maxLength": 32, "seed": 3, "validationSplit": 0.25, "classWeights": "balanced"}"""
                .formatted(id(dataset), test, Golden.dir("tiny-bert")));
        assertThat(job.get("config").get("options").get("problemType").stringValue()).isEqualTo("multi_label_classification");
        assertThat(job.get("config").get("options").get("metricForBest").stringValue()).isEqualTo("f1_macro");
        assertThat(job.get("config").get("options").get("thresholds").stringValue()).isEqualTo("tuned");
        JsonNode done = awaitSucceeded(id(job));

        JsonNode history = http.get(JOBS + "/" + id(job) + "/metrics").json();
        JsonNode first = history.get(0).get("metrics");
        JsonNode last = history.get(history.size() - 1).get("metrics");
        assertThat(last.get("problemType").stringValue()).isEqualTo("multi_label_classification");
        assertThat(last.get("loss").doubleValue()).isLessThan(first.get("loss").doubleValue());
        JsonNode best = done.get("bestMetrics").get("metrics");
        assertThat(best.get("f1Macro").doubleValue()).isGreaterThan(0.5);
        assertThat(best.get("perLabel")).hasSize(3);
        assertThat(best.get("thresholdsTuned").booleanValue()).isTrue();
        for (String field : List.of("f1Micro", "precisionMicro", "recallMicro", "subsetAccuracy", "hammingLoss",
                "rocAucMacro", "f1MacroAtHalf", "f1MicroAtHalf")) {
            assertThat(best.get(field).isNumber()).as(field).isTrue();
        }
        List<Double> thresholds = new ArrayList<>();
        best.get("perLabel").forEach(l -> thresholds.add(l.get("threshold").doubleValue()));
        assertThat(thresholds).allSatisfy(t -> assertThat(t).isBetween(0.0, 1.0));
        JsonNode testMetrics = done.get("testMetrics");
        assertThat(testMetrics.get("thresholdsTuned").booleanValue()).isFalse();
        assertThat(testMetrics.get("perLabel").get(0).get("threshold").doubleValue()).isEqualTo(thresholds.get(0));
        assertThat(http.get(JOBS + "/" + id(job) + "/log").body()).contains("pos_weight {anger=");

        String modelId = done.get("modelId").stringValue();
        JsonNode modelResource = http.get("/api/v1/models/" + modelId).json();
        assertThat(modelResource.get("problemType").stringValue()).isEqualTo("multi_label_classification");
        // served probabilities are calibrated per label (when that helped on held-out validation rows): the tuned
        // thresholds move to that scale, decisions stay
        JsonNode temperatures = modelResource.get("calibration").get("temperatures");
        assertThat(temperatures).hasSize(3);
        boolean calibrated = modelResource.get("calibration").get("applied").booleanValue();
        List<Double> servedThresholds = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            double t = thresholds.get(c);
            servedThresholds.add(!calibrated ? t
                    : 1 / (1 + Math.exp(-Math.log(t / (1 - t)) / temperatures.get(c).doubleValue())));
        }
        JsonNode predictions = http.postJson("/api/v1/models/" + modelId + "/predict",
                "{\"texts\": [\"a wonderful film\", \"the worst story wow\"]}").json().get("predictions");
        JsonNode mixed = predictions.get(1);
        assertThat(mixed.get("probabilities")).hasSize(3);
        List<String> expected = new ArrayList<>();
        List<String> labels = List.of("anger", "joy", "surprise");
        for (int c = 0; c < 3; c++) {
            if (mixed.get("probabilities").get(labels.get(c)).doubleValue() >= servedThresholds.get(c)) {
                expected.add(labels.get(c));
            }
        }
        assertThat(Golden.strings(mixed.get("labels"))).isEqualTo(expected);

        Path export = ModelDownload.unzip(port, modelId, exports);
        JsonNode config = JsonMapper.builder().build().readTree(Files.readString(export.resolve("config.json")));
        assertThat(config.get("problem_type").stringValue()).isEqualTo("multi_label_classification");
        assertThat(config.get("num_labels").intValue()).isEqualTo(3);
        assertThat(config.get("label_thresholds").get("joy").doubleValue()).isEqualTo(servedThresholds.get(1), within(1e-9));
        assertThat(config.get("calibration").get("temperatures")).hasSize(3);
        assertReloadedExportGivesTheServedOutputs(export, predictions, List.of("a wonderful film", "the worst story wow"));
        writeTransformersCheck(export, "multi_label_classification", List.of(
                new Example("a wonderful film", new int[] {1}, Float.NaN),
                new Example("the worst story wow", new int[] {0, 2}, Float.NaN),
                new Example("so fun and unexpected", new int[] {1, 2}, Float.NaN)));
        assertImportedExportServesTheSameAnswers(export, modelId, "{\"texts\": [\"a wonderful film\", \"the worst story wow\"]}");
    }

    /**
     * Leaves the export with a batch and attune's loss on it in target/export-check/{kind}, for
     * bench/check_problem_types.py to check where transformers is installed: AutoModelForSequenceClassification
     * loads the kind from config.json and computes the same loss on the same batch.
     */
    private static void writeTransformersCheck(Path export, String kind, List<Example> batch) throws IOException {
        Path target = Path.of("target", "export-check", kind);
        FileTrees.deleteQuietly(target);
        Files.createDirectories(target);
        try (var files = Files.list(export)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        double loss;
        try (ClassifierModel model = ClassifierModel.load(export, Device.cpu())) {
            loss = FineTuner.evaluate(model, TokenizedExamples.of(batch, model.textEncoder(), 32, model.config().padTokenId()),
                    batch.size()).loss();
        }
        var json = JsonMapper.builder().build().createObjectNode();
        json.put("problem_type", kind).put("max_length", 32).put("loss", loss);
        var texts = json.putArray("texts");
        var labels = json.putArray("labels");
        for (Example example : batch) {
            texts.add(example.text());
            if (kind.equals("regression")) {
                labels.add(example.value());
            } else {
                var hot = labels.addArray();
                for (int c = 0; c < 3; c++) {
                    final int label = c;
                    hot.add(java.util.stream.IntStream.of(example.labels()).anyMatch(l -> l == label) ? 1.0 : 0.0);
                }
            }
        }
        Files.writeString(target.resolve("attune_batch.json"), json.toString());
    }

    /** A checkpoint exported by attune, imported back through the API, answers /predict exactly as the original. */
    private void assertImportedExportServesTheSameAnswers(Path export, String originalId, String body) {
        Http.Response imported = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\"}".formatted(export.toString().replace("\\", "\\\\")));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(imported.json().get("problemType").stringValue())
                .isEqualTo(http.get("/api/v1/models/" + originalId).json().get("problemType").stringValue());
        JsonNode original = http.postJson("/api/v1/models/" + originalId + "/predict", body).json().get("predictions");
        JsonNode again = http.postJson("/api/v1/models/" + id(imported.json()) + "/predict", body).json().get("predictions");
        assertThat(again).hasSize(original.size());
        for (int i = 0; i < original.size(); i++) {
            assertThat(Golden.strings(again.get(i).path("labels"))).isEqualTo(Golden.strings(original.get(i).path("labels")));
            assertThat(again.get(i).get("score").doubleValue()).isEqualTo(original.get(i).get("score").doubleValue(), within(1e-6));
            assertThat(again.get(i).has("probabilities")).isEqualTo(original.get(i).has("probabilities"));
        }
    }

    @Test
    void jsonLinesLabelsMayBeArrays() {
        String jsonl = """
                {"text": "so happy and surprised", "label": ["joy", "surprise"]}
                {"text": "calm", "label": "neutral"}
                {"text": "angry", "label": ["anger"]}
                {"text": "puzzled", "label": ["mixed, unsure"]}
                """;
        JsonNode dataset = upload("mixed.jsonl", jsonl, Map.of());
        assertThat(dataset.get("multiLabelRows").intValue()).isEqualTo(1);
        assertThat(dataset.get("labels").properties()).hasSize(5); // an array's elements are never split
        assertThat(dataset.get("labels").has("mixed, unsure")).isTrue();
        Http.Response nested = http.upload("/api/v1/datasets", "bad.jsonl",
                "{\"text\": \"x\", \"label\": [[\"a\"]]}\n".getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(nested.status()).as(nested.body()).isEqualTo(400);
        assertThat(nested.json().get("detail").stringValue()).contains("array whose elements must be strings or numbers");
    }

    @Test
    void aDelimiterLeftEmptyKeepsEachLabelCellWhole() {
        JsonNode dataset = upload("commas.csv", "text,label\na,\"x, y\"\nb,z\n", Map.of("labelDelimiter", ""));
        assertThat(dataset.get("multiLabelRows").intValue()).isZero();
        assertThat(dataset.get("labels").has("x, y")).isTrue();
        assertThat(dataset.get("suggestedProblemType").stringValue()).isEqualTo("single_label_classification");
    }

    @Test
    void numericLabelsTrainARegressionWhoseScoreServingAndTheExportGive() throws IOException {
        JsonNode dataset = upload("stars.csv", TrainingData.starsCsv(100, 4), Map.of("labelColumn", "stars"));
        assertThat(dataset.get("numericLabels").get("min").doubleValue()).isEqualTo(1.0);
        assertThat(dataset.get("numericLabels").get("max").doubleValue()).isEqualTo(5.0);
        assertThat(dataset.get("numericLabels").get("integers").booleanValue()).isTrue();
        // five whole numbers read as classes unless the job says regression
        assertThat(dataset.get("suggestedProblemType").stringValue()).isEqualTo("single_label_classification");

        JsonNode job = submit("""
                {"datasetId": "%s", "baseModel": "%s", "problemType": "regression", "epochs": 20, "learningRate": 0.005,
                 "batchSize": 8, "maxLength": 32, "seed": 3, "validationSplit": 0.2}"""
                .formatted(id(dataset), Golden.dir("tiny-bert")));
        assertThat(job.get("config").get("options").get("metricForBest").stringValue()).isEqualTo("rmse");
        JsonNode done = awaitSucceeded(id(job));
        JsonNode best = done.get("bestMetrics").get("metrics");
        assertThat(best.get("problemType").stringValue()).isEqualTo("regression");
        assertThat(best.get("loss").doubleValue()).isEqualTo(best.get("rmse").doubleValue() * best.get("rmse").doubleValue(),
                within(1e-6));
        // the targets 1..5 in equal shares have a standard deviation of √2: the model must beat predicting the mean
        String log = http.get(JOBS + "/" + id(job) + "/log").body();
        assertThat(best.get("rmse").doubleValue()).as(log).isLessThan(Math.sqrt(2) * 0.8);
        assertThat(best.get("spearman").doubleValue()).isGreaterThan(0.5);
        assertThat(best.get("pearson").isNumber()).isTrue();
        assertThat(best.get("mae").isNumber()).isTrue();

        String modelId = done.get("modelId").stringValue();
        List<String> texts = List.of("the film", "the film a great and best and wonderful is fun");
        JsonNode predictions = http.postJson("/api/v1/models/" + modelId + "/predict",
                "{\"texts\": [\"" + String.join("\", \"", texts) + "\"]}").json().get("predictions");
        assertThat(predictions.get(0).has("label")).isFalse();
        assertThat(predictions.get(0).has("probabilities")).isFalse();
        assertThat(predictions.get(1).get("score").doubleValue()).isGreaterThan(predictions.get(0).get("score").doubleValue());

        Path export = ModelDownload.unzip(port, modelId, exports);
        JsonNode config = JsonMapper.builder().build().readTree(Files.readString(export.resolve("config.json")));
        assertThat(config.get("problem_type").stringValue()).isEqualTo("regression");
        assertThat(config.get("num_labels").intValue()).isEqualTo(1);
        assertThat(config.get("id2label").get("0").stringValue()).isEqualTo("stars");
        try (ClassifierModel reloaded = ClassifierModel.load(export, Device.cpu())) {
            float[][] values = reloaded.outputs(texts, 32);
            for (int i = 0; i < texts.size(); i++) {
                assertThat((double) values[i][0]).isEqualTo(predictions.get(i).get("score").doubleValue(), within(1e-5));
            }
        }
        assertImportedExportServesTheSameAnswers(export, modelId,
                "{\"texts\": [\"" + String.join("\", \"", texts) + "\"]}");
        writeTransformersCheck(export, "regression", List.of(Example.scored(texts.get(0), 1), Example.scored(texts.get(1), 5),
                Example.scored("the film is good", 2)));
    }

    @Test
    void classWeightsAreAppliedAndLogged() {
        String dataset = id(upload("train.csv", TrainingData.csv(40, 1), Map.of()));
        JsonNode job = submit("""
                {"datasetId": "%s", "baseModel": "%s", "epochs": 1, "batchSize": 8, "maxLength": 32,
                 "classWeights": {"positive": 3}}""".formatted(dataset, Golden.dir("tiny-bert")));
        assertThat(job.get("config").get("options").get("classWeights").get("positive").doubleValue()).isEqualTo(3.0);
        awaitSucceeded(id(job));
        assertThat(http.get(JOBS + "/" + id(job) + "/log").body()).contains("class weights {negative=1.000, positive=3.000}");
    }

    @Test
    void optionsThatDoNotFitTheProblemTypeAreRefusedWithEveryReason() {
        String text = id(upload("train.csv", TrainingData.csv(20, 1), Map.of()));
        String multi = id(upload("multi.csv", TrainingData.multiLabelCsv(20, 1), Map.of("labelColumn", "labels")));
        String base = Golden.dir("tiny-bert").toString().replace("\\", "\\\\");
        assertErrors("""
                {"datasetId": "%s", "baseModel": "%s", "problemType": "regression", "classWeights": "balanced",
                 "metricForBest": "accuracy"}"""
                .formatted(text, base), "datasetId: problemType regression needs one number per row",
                "metricForBest: accuracy does not apply", "classWeights: a regression has no classes");
        assertErrors("""
                {"datasetId": "%s", "baseModel": "%s", "metricForBest": "mae", "thresholds": 0.5,
                 "classWeights": {"happy": 2}}""".formatted(text, base),
                "metricForBest: mae does not apply to single_label_classification",
                "thresholds: only multi_label_classification", "classWeights: no label [happy]");
        assertErrors("""
                {"datasetId": "%s", "baseModel": "%s", "problemType": "single_label_classification"}"""
                .formatted(multi, base), "have several labels; use problemType multi_label_classification");
        // a value that names nothing is refused as the body is read, with the values it may take
        assertErrors("""
                {"datasetId": "%s", "baseModel": "%s", "problemType": "ordinal"}""".formatted(multi, base),
                "problemType: 'ordinal' is not one of [single_label_classification, multi_label_classification, "
                        + "regression]");
        assertErrors("""
                {"datasetId": "%s", "baseModel": "%s", "classWeights": "heavy"}""".formatted(multi, base),
                "classWeights: classWeights must be \\\"none\\\", \\\"balanced\\\"");
        assertErrors("""
                {"datasetId": "%s", "baseModel": "%s", "thresholds": 1.5}""".formatted(multi, base),
                "thresholds: ");
    }

    private void assertErrors(String json, String... expected) {
        Http.Response response = http.postJson(JOBS, json);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("errors").toString()).contains(expected);
    }

    private void assertReloadedExportGivesTheServedOutputs(Path export, JsonNode predictions, List<String> texts) {
        try (ClassifierModel reloaded = ClassifierModel.load(export, Device.cpu())) {
            float[][] probabilities = reloaded.outputs(texts, 32);
            List<String> labels = reloaded.config().labels();
            for (int i = 0; i < texts.size(); i++) {
                for (int c = 0; c < labels.size(); c++) {
                    assertThat((double) probabilities[i][c]).isEqualTo(
                            predictions.get(i).get("probabilities").get(labels.get(c)).doubleValue(), within(1e-5));
                }
            }
            assertThat(reloaded.thresholds()).hasSize(labels.size());
        }
    }

    private JsonNode upload(String name, String content, Map<String, String> fields) {
        Http.Response response = http.upload("/api/v1/datasets", name, content.getBytes(StandardCharsets.UTF_8), fields);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    private JsonNode submit(String json) {
        Http.Response response = http.postJson(JOBS, json);
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json();
    }

    private static String id(JsonNode resource) {
        return resource.get("id").stringValue();
    }

    private JsonNode awaitSucceeded(String id) {
        long deadline = System.currentTimeMillis() + 180_000;
        while (true) {
            JsonNode job = http.get(JOBS + "/" + id).json();
            String status = job.get("status").stringValue();
            if (status.equals("SUCCEEDED")) {
                return job;
            }
            assertThat(status).as(job.toString()).isIn("QUEUED", "RUNNING");
            assertThat(System.currentTimeMillis()).as("job %s still %s", id, status).isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
