package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * A LoRA model owns its base (issue 32, defect 7): a base given as a path is kept in the data directory
 * (content-addressed, shared by the adapters of the same base, referred to relative to the data directory), so
 * moving or deleting the original changes nothing in what the adapter answers, for a LoRA job and for a PEFT import
 * alike; the kept base goes with its last adapter. int8 serves an adapter in ONNX Runtime over base weights shared
 * with the base's other adapters.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.jobs.progress-interval=0s", "attune.predict.precision=fp32"})
class LoraBaseOwnershipApiTest {

    private static Path dataDir;
    private static Path roots;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        dataDir = TestDataDir.register(registry);
        roots = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-bases"));
        registry.add("attune.models.import-roots", () -> Golden.dir("tiny-bert").getParent() + "," + roots);
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
    void adaptersKeepTheirBaseSoMovingOrDeletingTheOriginalChangesNoAnswer() throws IOException {
        // a plain model serves /predict, so the adapters are loaded (and dropped) as models asked for by id
        String plain = id(http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\"}".formatted(Golden.dir("tiny-distilbert-sst2"))).json());
        assertThat(http.postJson("/api/v1/models/" + plain + "/promote", "{}").status()).isLessThan(300);
        Path original = copyOfGolden("base-a");
        String train = id(upload("train.csv", TrainingData.csv(80, 1)));

        String first = succeeded(submit(train, original, "\"lora\": {\"r\": 4}")).get("modelId").stringValue();
        String second = succeeded(submit(train, original, "\"lora\": {\"r\": 2}")).get("modelId").stringValue();
        String text = "the film was great and wonderful";
        JsonNode firstAnswer = predict(first, text);
        JsonNode secondAnswer = predict(second, text);

        // kept once for both, named relative to the data directory
        assertThat(keptBases()).hasSize(1);
        String stored = Files.readString(dataDir.resolve("models").resolve(first).resolve("attune_adapter.json"));
        assertThat(stored).contains("bases/" + keptBases().get(0).getFileName()).doesNotContain(original.toString())
                .doesNotContain(dataDir.toString());

        Files.move(original, original.resolveSibling("base-a-moved"));
        reload(first, second);
        assertThat(predict(first, text)).isEqualTo(firstAnswer); // exactly: max difference 0
        assertThat(predict(second, text)).isEqualTo(secondAnswer);

        // a PEFT import over another copy of the same base: the same kept base, and deleting the copy changes nothing
        Path peft = ModelDownload.unzip(port, first, roots, "peft");
        Path copy = copyOfGolden("base-b");
        Http.Response imported = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"baseModel\": \"%s\"}".formatted(peft, copy));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String importedId = id(imported.json());
        JsonNode importedAnswer = predict(importedId, text);
        assertThat(importedAnswer.get("predictions")).isEqualTo(firstAnswer.get("predictions"));
        assertThat(keptBases()).hasSize(1);
        deleteTree(copy);
        reload(first, second, importedId); // nothing of the base stays loaded
        assertThat(predict(importedId, text)).isEqualTo(importedAnswer);

        // the kept base stays while an adapter runs over it, and goes with the last one
        for (String id : List.of(first, second)) {
            assertThat(http.delete("/api/v1/models/" + id).status()).isEqualTo(204);
            assertThat(keptBases()).hasSize(1);
        }
        assertThat(predict(importedId, text)).isEqualTo(importedAnswer);
        assertThat(http.delete("/api/v1/models/" + importedId).status()).isEqualTo(204);
        assertThat(keptBases()).isEmpty();
    }

    @Test
    void int8ServesAnAdapterInOnnxRuntimeOverTheBaseWeightsItsOtherAdaptersShare() throws IOException {
        Path base = copyOfGolden("base-int8");
        String train = id(upload("small.csv", TrainingData.csv(40, 2)));
        String adapter = succeeded(submit(train, base, "\"lora\": {\"r\": 2}")).get("modelId").stringValue();
        String other = succeeded(submit(train, base, "\"lora\": {\"r\": 4, \"alpha\": 8}")).get("modelId")
                .stringValue();
        String text = "the film was great and wonderful";
        double fp32 = score(adapter, text); // the node's precision is fp32: ONNX Runtime fp32 on the merged adapter
        assertThat(users("onnx-fp32")).isEqualTo(1);

        for (String id : new String[] {adapter, other}) {
            Http.Response int8 = http.putJson("/api/v1/models/" + id + "/serving-precision", "{\"precision\": \"int8\"}");
            assertThat(int8.status()).as(int8.body()).isEqualTo(200);
            assertThat(int8.json().get("servingPrecision").stringValue()).isEqualTo("int8");
        }
        assertThat(score(adapter, text)).isCloseTo(fp32, within(0.05)); // int8's rounding, not another model
        score(other, text);
        // both adapters' sessions read the base's untouched weights from one pool
        assertThat(users("onnx-int8")).isEqualTo(2);

        Http.Response bf16 = http.putJson("/api/v1/models/" + adapter + "/serving-precision", "{\"precision\": \"bf16\"}");
        assertThat(bf16.status()).as(bf16.body()).isEqualTo(200);
        score(adapter, text); // bf16: libtorch over the shared base
        assertThat(users("bf16")).isEqualTo(1);

        Path peft = ModelDownload.unzip(port, other, roots, "peft");
        Http.Response imported = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"baseModel\": \"%s\", \"servingPrecision\": \"int8\"}".formatted(peft, base));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(score(id(imported.json()), text)).isCloseTo(score(other, text), within(1e-6));
        reload(adapter, other, id(imported.json()));
    }

    /** The adapters holding the one kept base's shared weights or model of this kind (0: none). */
    private int users(String kind) {
        return sharedBases.users().entrySet().stream().filter(e -> e.getKey().endsWith(" " + kind))
                .mapToInt(java.util.Map.Entry::getValue).sum();
    }

    private double score(String modelId, String text) {
        return predict(modelId, text).get("predictions").get(0).get("score").doubleValue();
    }

    /** Drops the loaded adapters (a change of their serving precision) and waits until no base is held. */
    private void reload(String... ids) {
        for (String id : ids) {
            Http.Response reset = http.putJson("/api/v1/models/" + id + "/serving-precision", "{\"precision\": \"fp32\"}");
            assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!sharedBases.users().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(sharedBases.users()).isEmpty();
    }

    private List<Path> keptBases() throws IOException {
        Path bases = dataDir.resolve("bases");
        if (!Files.isDirectory(bases)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(bases)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }

    private static Path copyOfGolden(String name) throws IOException {
        Path copy = Files.createDirectories(roots.resolve(name));
        try (Stream<Path> files = Files.list(Golden.dir("tiny-bert-sst2"))) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    private Http.Response submit(String datasetId, Path base, String lora) {
        return http.postJson("/api/v1/jobs", ("{\"datasetId\": \"%s\", \"baseModel\": \"%s\", \"strategy\": \"lora\", "
                + "%s, \"learningRate\": 0.01, \"batchSize\": 8, \"maxLength\": 32, \"seed\": 3, "
                + "\"validationSplit\": 0.2, \"epochs\": 1}").formatted(datasetId, base, lora));
    }

    private JsonNode succeeded(Http.Response submitted) {
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode job = JobPolling.awaitJob(http, id(submitted.json()), j -> j.get("status").stringValue().matches(
                "SUCCEEDED|FAILED|CANCELLED"), "end");
        assertThat(job.get("status").stringValue()).as(job.toString()).isEqualTo("SUCCEEDED");
        return job;
    }

    /** The whole answer's predictions (labels and every score). */
    private JsonNode predict(String modelId, String text) {
        Http.Response response = http.postJson("/api/v1/models/" + modelId + "/predict",
                "{\"text\": \"%s\"}".formatted(text));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode predictions = response.json().get("predictions");
        return tools.jackson.databind.json.JsonMapper.builder().build().createObjectNode()
                .set("predictions", predictions);
    }

    private JsonNode upload(String name, String csv) {
        Http.Response response = http.upload("/api/v1/datasets", name, csv.getBytes(StandardCharsets.UTF_8),
                java.util.Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    private static String id(JsonNode node) {
        return node.get("id").stringValue();
    }
}
