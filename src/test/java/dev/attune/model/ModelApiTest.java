package dev.attune.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ai.djl.Device;
import dev.attune.checkpoint.Safetensors;
import dev.attune.checkpoint.Tensor;
import dev.attune.modeling.ClassifierModel;
import dev.attune.support.FakeHub;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.ModelDownload;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import org.junit.jupiter.params.provider.CsvSource;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Import, list, export and delete through real HTTP, H2, files and DJL, with a fake Hub on loopback. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ModelApiTest {

    private static final String MODELS = "/api/v1/models";
    private static Path dataDir;
    private static Path importRoot;
    private static FakeHub hub;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        dataDir = TestDataDir.register(registry);
        importRoot = Golden.dir("tiny-bert").getParent();
        hub = new FakeHub(Golden.dir("tiny-roberta-sst2"));
        registry.add("attune.models.import-roots", () -> importRoot.toString());
        registry.add("attune.models.hub.endpoint", hub::endpoint);
        registry.add("attune.models.hub.cache-dir", () -> dataDir.resolve("hub-cache").toString());
    }

    @AfterAll
    static void stopHub() {
        hub.close();
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-bert-sst2", "tiny-distilbert-sst2", "tiny-roberta-sst2"})
    void importedClassifierIsRegisteredAndItsExportReproducesTransformersProbabilities(String name) throws IOException {
        Http.Response created = importModel(Golden.dir(name).toString(), name);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode body = created.json();
        String id = body.get("id").stringValue();
        assertThat(created.headers().getLocation()).hasToString(MODELS + "/" + id);
        assertThat(body.get("architecture").stringValue()).isEqualTo(name.replace("tiny-", "").replace("-sst2", ""));
        assertThat(Golden.strings(body.get("labels"))).isNotEmpty();
        assertThat(body.get("createdAt").stringValue()).isNotBlank();
        assertThat(http.get(MODELS + "/" + id).json().get("name").stringValue()).isEqualTo(name);
        assertThat(http.get(MODELS).json().findValuesAsString("id")).contains(id);

        Path unzipped = download(id);
        assertThat(Files.list(unzipped).map(p -> p.getFileName().toString()).toList())
                .contains("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json");
        JsonNode config = tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(Files.readString(unzipped.resolve("config.json")));
        assertThat(config.get("architectures").get(0).stringValue()).endsWith("ForSequenceClassification");
        assertThat(config.get("id2label").get("0").stringValue()).isEqualTo(Golden.strings(body.get("labels")).get(0));
        assertThat(config.get("label2id").get(Golden.strings(body.get("labels")).get(0)).intValue()).isZero();

        Map<String, Tensor> exported = Safetensors.read(unzipped.resolve("model.safetensors"));
        Map<String, Tensor> original = Safetensors.read(Golden.dir(name).resolve("model.safetensors"));
        assertThat(new TreeMap<>(exported).keySet()).containsExactlyElementsOf(new TreeMap<>(original).keySet());
        original.forEach((tensor, value) -> {
            assertThat(exported.get(tensor).shape()).as(tensor).containsExactly(value.shape());
            assertThat(exported.get(tensor).data()).as(tensor).containsExactly(value.data());
            assertThat(exported.get(tensor).dtype()).isEqualTo("F32");
        });

        JsonNode golden = Golden.json(name);
        try (ClassifierModel reloaded = ClassifierModel.load(unzipped, Device.cpu())) {
            float[][] probabilities = reloaded.outputs(Golden.strings(golden.get("texts")), golden.get("max_length").intValue());
            float[] flat = new float[probabilities.length * probabilities[0].length];
            for (int i = 0; i < probabilities.length; i++) {
                System.arraycopy(probabilities[i], 0, flat, i * probabilities[i].length, probabilities[i].length);
            }
            assertThat(Golden.maxAbsDiff(flat, Golden.flatFloats(golden.get("probabilities")))).isLessThan(1e-4f);
        }
    }

    /** An ONNX download, run as a user would: ONNX Runtime's Java API on its graph, the golden padded ids. */
    @ParameterizedTest
    @CsvSource({"tiny-bert-sst2,onnx", "tiny-distilbert-sst2,onnx", "tiny-roberta-sst2,onnx", "tiny-bert-sst2,onnx-int8",
            "tiny-roberta-sst2,onnx-int8"})
    void onnxDownloadRunsInOnnxRuntimeWithTransformersLogits(String name, String format) throws Exception {
        String id = importModel(Golden.dir(name).toString(), name).json().get("id").stringValue();
        Path unzipped = ModelDownload.unzip(port, id, dataDir, format);
        assertThat(Files.list(unzipped).map(p -> p.getFileName().toString()).toList())
                .contains("onnx", "config.json", "tokenizer.json").doesNotContain("model.safetensors");
        Path graph = unzipped.resolve(format.equals("onnx") ? "onnx/model.onnx" : "onnx/model_quantized.onnx");

        JsonNode golden = Golden.json(name);
        long[] ids = Golden.flatLongs(golden.get("input_ids"));
        int batch = golden.get("input_ids").size();
        long[] shape = {batch, ids.length / batch};
        long pad = tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(Files.readString(unzipped.resolve("config.json"))).get("pad_token_id").asLong();
        long[] mask = new long[ids.length];
        for (int row = 0; row < batch; row++) { // real tokens up to the last non-padding one
            int last = (int) shape[1] - 1;
            while (ids[row * (int) shape[1] + last] == pad) {
                last--;
            }
            java.util.Arrays.fill(mask, row * (int) shape[1], row * (int) shape[1] + last + 1, 1L);
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(graph.toString());
                OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
                OnnxTensor attentionMask = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
                OnnxTensor tokenTypes = OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[ids.length]), shape)) {
            Map<String, OnnxTensor> inputs = new java.util.HashMap<>(Map.of("input_ids", inputIds,
                    "attention_mask", attentionMask));
            if (name.startsWith("tiny-bert")) { // optimum: only BERT has token types
                inputs.put("token_type_ids", tokenTypes);
            }
            assertThat(session.getInputNames()).containsExactlyInAnyOrderElementsOf(inputs.keySet());
            assertThat(session.getOutputNames()).containsExactly("logits");
            try (OrtSession.Result result = session.run(inputs)) {
                java.nio.FloatBuffer out = ((OnnxTensor) result.get("logits").orElseThrow()).getFloatBuffer();
                float[] logits = new float[out.remaining()];
                out.get(logits);
                float diff = Golden.maxAbsDiff(logits, Golden.flatFloats(golden.get("logits")));
                // int8: quantization noise, measured 0.002-0.006 on these models (activations per token row)
                assertThat(diff).isLessThan(format.equals("onnx") ? 1e-4f : 0.05f);
            }
        }
    }

    @Test
    void unknownDownloadFormatIs400() {
        String id = importModel(Golden.dir("tiny-bert-sst2").toString(), "tiny").json().get("id").stringValue();
        assertProblem(http.get(MODELS + "/" + id + "/download?format=tflite"), 400, "Unknown download format");
    }

    @Test
    void hubIdIsDownloadedIntoTheCacheAndImported() {
        Http.Response created = importModel("org/tiny", "from hub");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("source").stringValue()).isEqualTo("hf://org/tiny@main");
        assertThat(created.json().get("architecture").stringValue()).isEqualTo("roberta");
        assertThat(dataDir.resolve("hub-cache/models--org--tiny/snapshots").resolve(FakeHub.COMMIT).resolve("config.json"))
                .exists();
    }

    @Test
    void hubFailuresAreProblems() {
        assertProblem(importModel("org/missing", null), 404, "Hugging Face Hub download failed");
        Http.Response refused = importModel("org/private", null);
        assertProblem(refused, 403, "Hugging Face Hub download failed");
        assertThat(refused.json().get("detail").stringValue()).contains("HF_TOKEN");
    }

    @Test
    void deleteRemovesTheRecordAndFiles() {
        String id = importModel(Golden.dir("tiny-bert-sst2").toString(), null).json().get("id").stringValue();
        assertThat(dataDir.resolve("models").resolve(id)).isDirectory();

        assertThat(http.delete(MODELS + "/" + id).status()).isEqualTo(204);

        assertThat(http.get(MODELS + "/" + id).status()).isEqualTo(404);
        assertThat(dataDir.resolve("models").resolve(id)).doesNotExist();
    }

    @Test
    void pathOutsideTheImportRootsIs403() throws IOException {
        Path outside = Files.createTempDirectory("outside");
        assertProblem(importModel(outside.toString(), null), 403, "Outside import roots");
    }

    @Test
    void pathWithDotDotIs400() {
        assertProblem(importModel(importRoot + "/../golden/tiny-bert-sst2", null), 400, "Path escapes");
    }

    @Test
    void symlinkEscapingTheRootIs403() throws IOException {
        Path outside = Files.createTempDirectory("outside-target");
        Path link = importRoot.resolve("escape-link-" + System.nanoTime());
        Files.createSymbolicLink(link, outside);
        try {
            assertProblem(importModel(link.toString(), null), 403, "Outside import roots");
        } finally {
            Files.delete(link);
        }
    }

    @Test
    void aFileLinkInsideACheckpointThatLeavesTheRootIs403() throws IOException {
        Path checkpoint = copyUnderRoot("tiny-bert-sst2");
        try {
            Files.createSymbolicLink(checkpoint.resolve("vocab.txt"), Path.of("/etc/passwd"));
            Http.Response refused = importModel(checkpoint.toString(), null);
            assertProblem(refused, 403, "Link outside import roots");
            assertThat(refused.json().get("detail").stringValue()).contains("vocab.txt");
        } finally {
            dev.attune.files.FileTrees.delete(checkpoint);
        }
    }

    @Test
    void aConfigClaimingAMillionLayersIsRefusedAtOnce() throws IOException {
        Path checkpoint = copyUnderRoot("tiny-bert-sst2");
        try {
            Path config = checkpoint.resolve("config.json");
            Files.writeString(config, Files.readString(config).replaceAll("\"num_hidden_layers\": \\d+",
                    "\"num_hidden_layers\": 1000000"));
            long start = System.nanoTime();
            Http.Response refused = importModel(checkpoint.toString(), null);
            assertProblem(refused, 400, "Unusable checkpoint");
            assertThat(refused.json().get("detail").stringValue()).contains("1000000 layers", "hold 2");
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(5);
        } finally {
            dev.attune.files.FileTrees.delete(checkpoint);
        }
    }

    @Test
    void aRelativeSourceSaysWhatWasTriedAndWhy() {
        Http.Response existing = importModel("target/test-classes", null);
        assertProblem(existing, 400, "Relative path");
        Http.Response missing = importModel("roots/tiny-bert-sst2", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("detail").stringValue()).contains("not an absolute path", "Hub", "absolute path under")
                .doesNotContain("null");
    }

    @Test
    void unrecognisedSourceAndMissingFieldsAre400() {
        assertProblem(importModel("not a model id", null), 400, "Unrecognised source");
        assertProblem(http.postJson(MODELS + "/import", "{}"), 400, "Invalid request");
    }

    @Test
    void corruptCheckpointIs400AndStoresNothing() throws IOException {
        Path corrupt = importRoot.resolve("corrupt-" + System.nanoTime());
        Files.createDirectories(corrupt);
        for (String file : List.of("config.json", "tokenizer.json", "tokenizer_config.json")) {
            Files.copy(Golden.dir("tiny-bert-sst2").resolve(file), corrupt.resolve(file));
        }
        byte[] weights = Files.readAllBytes(Golden.dir("tiny-bert-sst2").resolve("model.safetensors"));
        Files.write(corrupt.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 3));
        int before = http.get(MODELS).json().size();
        try {
            assertProblem(importModel(corrupt.toString(), null), 400, "Unusable checkpoint");
            assertThat(http.get(MODELS).json().size()).isEqualTo(before);
            try (var entries = Files.list(dataDir.resolve("models"))) {
                assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
            }
        } finally {
            dev.attune.files.FileTrees.delete(corrupt);
        }
    }

    @Test
    void checkpointWithoutTrainedHeadIsNotImportable() throws IOException {
        Path base = importRoot.resolve("base-" + System.nanoTime());
        Files.createDirectories(base);
        try {
            for (String file : List.of("tokenizer.json", "tokenizer_config.json")) {
                Files.copy(Golden.dir("tiny-bert").resolve(file), base.resolve(file));
            }
            String config = Files.readString(Golden.dir("tiny-bert").resolve("config.json"));
            Files.writeString(base.resolve("config.json"), config.replaceAll("(?s)\"id2label\": \\{.*?\\},", "")
                    .replaceAll("(?s)\"label2id\": \\{.*?\\},", ""));
            Map<String, Tensor> tensors = new TreeMap<>(Safetensors.read(Golden.dir("tiny-bert").resolve("model.safetensors")));
            tensors.keySet().removeIf(n -> n.startsWith("classifier."));
            Safetensors.writeF32(base.resolve("model.safetensors"), tensors);

            assertProblem(importModel(base.toString(), null), 400, "Not a fine-tuned classifier");
        } finally {
            dev.attune.files.FileTrees.delete(base);
        }
    }

    @Test
    void unknownModelIs404() {
        assertProblem(http.get(MODELS + "/nope"), 404, "Model not found");
        assertProblem(http.get(MODELS + "/nope/download"), 404, "Model not found");
    }

    private static Path copyUnderRoot(String golden) throws IOException {
        Path copy = importRoot.resolve(golden + "-copy-" + System.nanoTime());
        Files.createDirectories(copy);
        try (var files = Files.list(Golden.dir(golden))) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    private Http.Response importModel(String source, String name) {
        String json = name == null ? "{\"source\": \"%s\"}".formatted(source)
                : "{\"source\": \"%s\", \"name\": \"%s\"}".formatted(source, name);
        return http.postJson(MODELS + "/import", json);
    }

    private Path download(String id) throws IOException {
        return ModelDownload.unzip(port, id, dataDir);
    }

    private static void assertProblem(Http.Response response, int status, String title) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("title").stringValue()).isEqualTo(title);
    }
}
