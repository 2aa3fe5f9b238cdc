package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.attune.serving.SharedBases;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.ModelDownload;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * LoRA end to end through real HTTP, H2 and DJL on a tiny golden BERT (issue 23): a strategy lora job registers an
 * adapter over its registered base; the model resource shows its rank, trainable weights and adapter size; it is
 * served over the one loaded base with another adapter; its PEFT download imports back and its merged download
 * answers as it does; the base cannot be deleted under it; and every wrong LoRA request is a 400 saying why.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.jobs.progress-interval=0s", "attune.predict.precision=fp32"})
class LoraApiTest {

    private static Path exports;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        Path dataDir = TestDataDir.register(registry);
        exports = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-exports"));
        registry.add("attune.models.import-roots", () -> Golden.dir("tiny-bert").getParent() + "," + exports);
    }

    @LocalServerPort
    int port;
    @Autowired
    SharedBases sharedBases;
    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @Test
    void aLoraJobRegistersAnAdapterOverItsBaseThatServesExportsAndImportsBack() throws IOException {
        String baseId = id(http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"name\": \"tiny base\"}".formatted(Golden.dir("tiny-bert-sst2"))).json());
        String train = id(upload("train.csv", TrainingData.csv(240, 1)));
        String test = id(upload("test.csv", TrainingData.csv(60, 2)));

        JsonNode done = succeeded(submit(train, test, baseId, "\"lora\": {\"r\": 4}"));
        assertThat(done.get("testMetrics").get("accuracy").doubleValue()).as(done.toString()).isGreaterThan(0.75);
        String modelId = done.get("modelId").stringValue();
        JsonNode model = http.get("/api/v1/models/" + modelId).json();
        assertThat(model.get("strategy").stringValue()).isEqualTo("lora");
        JsonNode adapter = model.get("adapter");
        assertThat(adapter.get("r").intValue()).isEqualTo(4);
        assertThat(adapter.get("alpha").doubleValue()).isEqualTo(16.0);
        assertThat(Golden.strings(adapter.get("targetModules"))).containsExactly("query", "value");
        assertThat(Golden.strings(adapter.get("modulesToSave"))).containsExactlyInAnyOrder("classifier", "pooler");
        assertThat(adapter.get("baseModelId").stringValue()).isEqualTo(baseId);
        // 2 layers x (query, value) x (A 4x32 + B 32x4) + pooler 32x32+32 + classifier 2x32+2
        long trainable = 2 * 2 * (4 * 32 + 32 * 4) + 32 * 32 + 32 + 2 * 32 + 2;
        assertThat(model.get("trainableParameters").longValue()).isEqualTo(trainable);
        assertThat(adapter.get("adapterBytes").longValue()).isBetween(4 * trainable, 4 * trainable + 4096);
        assertThat(model.get("parameters").longValue()).isGreaterThan(10 * trainable);

        String positive = "the film was great and wonderful";
        JsonNode answer = predict(modelId, positive);
        assertThat(answer.get("label").stringValue()).isEqualTo("positive");

        // a second adapter of the same base is served over the same loaded base
        JsonNode second = succeeded(submit(train, null, baseId, "\"lora\": {\"r\": 2, \"alpha\": 4}"));
        predict(second.get("modelId").stringValue(), positive);
        predict(modelId, positive); // both loaded now (serving or kept): one base under both
        assertThat(sharedBases.users().entrySet()).filteredOn(e -> e.getKey().contains(baseId)).singleElement()
                .satisfies(e -> assertThat(e.getValue()).isGreaterThanOrEqualTo(2));
        concurrentCallersOfTwoAdaptersGetWhatEachAnswersAlone(modelId, second.get("modelId").stringValue());

        // the merged checkpoint answers as the adapter
        Path merged = ModelDownload.unzip(port, modelId, exports);
        assertThat(merged.resolve("model.safetensors")).exists();
        assertThat(merged.resolve("adapter_config.json")).doesNotExist();
        String mergedId = id(http.postJson("/api/v1/models/import", "{\"source\": \"%s\"}".formatted(merged)).json());
        assertThat(predict(mergedId, positive).get("score").doubleValue())
                .isEqualTo(answer.get("score").doubleValue(), within(1e-4));

        // the PEFT download: the adapter, its config and tokenizer, nothing of this node; it imports back
        Path peft = ModelDownload.unzip(port, modelId, exports, "peft");
        try (Stream<Path> files = Files.list(peft)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).contains("adapter_config.json",
                    "adapter_model.safetensors", "config.json", "tokenizer.json").doesNotContain("attune_adapter.json",
                    "model.safetensors");
        }
        // the base named as its user knows it (its registered name), not where it lies on this node
        assertThat(Files.readString(peft.resolve("adapter_config.json"))).contains("\"peft_type\" : \"LORA\"",
                "\"task_type\" : \"SEQ_CLS\"", "\"base_model_name_or_path\" : \"tiny base\"")
                .doesNotContain(Golden.dir("tiny-bert-sst2").toString());
        Http.Response imported = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"baseModel\": \"%s\"}".formatted(peft, baseId));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(imported.json().get("adapter").get("baseModelId").stringValue()).isEqualTo(baseId);
        assertThat(predict(id(imported.json()), positive).get("score").doubleValue())
                .isEqualTo(answer.get("score").doubleValue(), within(1e-5));
        // without baseModel, base_model_name_or_path is resolved as the base: the name of one registered model is it
        Http.Response byName = http.postJson("/api/v1/models/import", "{\"source\": \"%s\"}".formatted(peft));
        assertThat(byName.status()).as(byName.body()).isEqualTo(201);
        assertThat(byName.json().get("adapter").get("baseModelId").stringValue()).isEqualTo(baseId);

        Http.Response deleteBase = http.delete("/api/v1/models/" + baseId);
        assertThat(deleteBase.status()).isEqualTo(409);
        assertThat(deleteBase.json().get("title").stringValue()).isEqualTo("Model is a base");

        Http.Response overAdapter = submit(train, null, modelId, "\"lora\": {}");
        assertThat(overAdapter.status()).isEqualTo(400);
        assertThat(overAdapter.json().get("errors").toString()).contains("is a LoRA adapter");
        Http.Response plainPeft = http.get("/api/v1/models/" + mergedId + "/download?format=peft");
        assertThat(plainPeft.status()).isEqualTo(400);
        assertThat(plainPeft.json().get("title").stringValue()).isEqualTo("Not a LoRA model");
    }

    @Test
    void wrongLoraRequestsAre400WithWhatToChange() {
        String train = id(upload("small.csv", TrainingData.csv(40, 3)));
        String base = Golden.dir("tiny-distilbert").toString();
        Http.Response unknownTarget = submit(train, null, base, "\"lora\": {\"targetModules\": [\"q_proj\"]}");
        assertThat(unknownTarget.status()).isEqualTo(400);
        assertThat(unknownTarget.json().get("errors").toString()).contains("lora.targetModules").contains("q_lin");
        Http.Response notLora = http.postJson("/api/v1/jobs", ("{\"datasetId\": \"%s\", \"baseModel\": \"%s\", "
                + "\"lora\": {\"r\": 4}}").formatted(train, base));
        assertThat(notLora.status()).isEqualTo(400);
        assertThat(notLora.json().get("errors").toString()).contains("lora: applies to strategy lora only");
        Http.Response badRank = submit(train, null, base, "\"lora\": {\"r\": 0, \"dropout\": 1.5}");
        assertThat(badRank.status()).isEqualTo(400);
        assertThat(badRank.json().get("errors").toString()).contains("lora.r").contains("lora.dropout");

        Http.Response defaults = http.postJson("/api/v1/jobs", ("{\"datasetId\": \"%s\", \"baseModel\": \"%s\", "
                + "\"strategy\": \"lora\", \"epochs\": 1, \"maxLength\": 32}").formatted(train, base));
        assertThat(defaults.status()).as(defaults.body()).isEqualTo(202);
        JsonNode config = http.get("/api/v1/jobs/" + id(defaults.json())).json().get("config").get("options");
        assertThat(config.get("learningRate").doubleValue()).isEqualTo(3e-3);
        assertThat(config.get("lora").toString()).contains("\"r\":8", "\"alpha\":16.0", "\"dropout\":0.1",
                "\"targetModules\":[\"q_lin\",\"v_lin\"]");
        succeeded(defaults);
    }

    @Test
    void loraTrainsRegressionAndMultiLabelAndServesThroughDeploymentsAndBatchScoring() {
        String stars = id(upload("stars.csv", TrainingData.starsCsv(100, 4), Map.of("labelColumn", "stars")));
        JsonNode regression = succeeded(submit(stars, null, Golden.dir("tiny-roberta").toString(),
                "\"lora\": {}, \"problemType\": \"regression\""));
        String regressionId = regression.get("modelId").stringValue();
        JsonNode model = http.get("/api/v1/models/" + regressionId).json();
        assertThat(model.get("problemType").stringValue()).isEqualTo("regression");
        assertThat(Golden.strings(model.get("adapter").get("modulesToSave"))).containsExactly("classifier");
        assertThat(predict(regressionId, "the film a great").has("score")).isTrue();

        String emotions = id(upload("emotions.csv", TrainingData.multiLabelCsv(120, 1), Map.of("labelColumn", "labels")));
        JsonNode multiLabel = succeeded(submit(emotions, null, Golden.dir("tiny-distilbert").toString(), "\"lora\": {}"));
        String multiLabelId = multiLabel.get("modelId").stringValue();
        assertThat(http.get("/api/v1/models/" + multiLabelId).json().get("problemType").stringValue())
                .isEqualTo("multi_label_classification");
        assertThat(predict(multiLabelId, "the worst film").has("labels")).isTrue();

        // a deployment answers with the adapter, and a batch prediction scores with it as /predict does
        Http.Response deployed = http.postJson("/api/v1/deployments",
                "{\"name\": \"lora\", \"modelId\": \"%s\"}".formatted(regressionId));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
        Http.Response viaDeployment = http.postJson("/predict", "{\"text\": \"the film a great\", \"deployment\": \"lora\"}");
        assertThat(viaDeployment.status()).as(viaDeployment.body()).isEqualTo(200);
        assertThat(viaDeployment.json().get("model").stringValue()).isEqualTo(regressionId);
        Http.Response scoring = http.postJson("/api/v1/predictions",
                "{\"datasetId\": \"%s\", \"modelId\": \"%s\"}".formatted(stars, regressionId));
        assertThat(scoring.status()).as(scoring.body()).isEqualTo(202);
        JobPolling.awaitJob(http, id(scoring.json()), j -> j.get("status").stringValue().matches(
                "SUCCEEDED|FAILED|CANCELLED"), "end");
        JsonNode scored = http.get("/api/v1/predictions/" + id(scoring.json())).json();
        assertThat(scored.get("status").stringValue()).as(scored.toString()).isEqualTo("SUCCEEDED");
        assertThat(scored.get("rows").intValue()).isEqualTo(100);
    }

    /** Two adapters of one loaded base, called at once from many threads: each answer is the adapter's alone. */
    private void concurrentCallersOfTwoAdaptersGetWhatEachAnswersAlone(String first, String second) {
        List<String> texts = List.of("the film was great and wonderful", "a dull and boring mess", "it was fine",
                "the worst film of the year", "charming fun");
        Map<String, Double> alone = new java.util.HashMap<>();
        for (String model : List.of(first, second)) {
            for (String text : texts) {
                alone.put(model + text, predict(model, text).get("probabilities").get("positive").doubleValue());
            }
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Boolean>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String model = i % 2 == 0 ? first : second;
                String text = texts.get(i % texts.size());
                calls.add(pool.submit(() -> Math.abs(new Http(port).postJson("/api/v1/models/" + model + "/predict",
                        "{\"text\": \"%s\"}".formatted(text)).json().get("predictions").get(0).get("probabilities")
                        .get("positive").doubleValue() - alone.get(model + text)) < 1e-5)); // batched: the last bits
            }
            for (java.util.concurrent.Future<Boolean> call : calls) {
                assertThat(call.get(60, java.util.concurrent.TimeUnit.SECONDS)).as("an adapter's answer under load")
                        .isTrue();
            }
        } catch (InterruptedException | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }

    private Http.Response submit(String datasetId, String testId, String baseModel, String lora) {
        return http.postJson("/api/v1/jobs", ("{\"datasetId\": \"%s\", \"baseModel\": \"%s\", \"strategy\": \"lora\", "
                + "%s%s, \"learningRate\": 0.01, \"batchSize\": 8, \"maxLength\": 32, \"seed\": 3, "
                + "\"validationSplit\": 0.2, \"epochs\": 5}").formatted(datasetId, baseModel,
                        testId == null ? "" : "\"testDatasetId\": \"" + testId + "\", ", lora)
                .replace(", \"epochs\": 5}", lora.contains("epochs") ? "}" : ", \"epochs\": 5}"));
    }

    private JsonNode succeeded(Http.Response submitted) {
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode job = JobPolling.awaitJob(http, id(submitted.json()), j -> j.get("status").stringValue().matches(
                "SUCCEEDED|FAILED|CANCELLED"), "end");
        assertThat(job.get("status").stringValue()).as(job.toString()).isEqualTo("SUCCEEDED");
        return job;
    }

    private JsonNode predict(String modelId, String text) {
        Http.Response response = http.postJson("/api/v1/models/" + modelId + "/predict",
                "{\"text\": \"%s\"}".formatted(text));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("predictions").get(0);
    }

    private JsonNode upload(String name, String csv) {
        return upload(name, csv, Map.of());
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
