package dev.attune.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.attune.checkpoint.Safetensors;
import dev.attune.checkpoint.Tensor;
import dev.attune.files.FileTrees;
import dev.attune.modeling.LoraFiles;
import dev.attune.modeling.LoraSettings;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 32, defect 8, through real HTTP, H2, files and DJL: weights holding NaN or an infinity never become a model
 * (a checkpoint's or a PEFT adapter's import, a training run's result), a PEFT config that does not fit its base is
 * refused naming the field, and a model whose scores come out non-finite answers a problem, never the NaN.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.jobs.progress-interval=0s", "attune.predict.precision=fp32"})
class NonFiniteApiTest {

    private static final String MODELS = "/api/v1/models";
    private static final String BASE = "tiny-bert-sst2";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Path dataDir;
    private static Path importRoot;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        dataDir = TestDataDir.registerWithGoldenImports(registry);
        importRoot = Golden.dir(BASE).getParent();
    }

    @LocalServerPort
    int port;
    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @Test
    void aCheckpointWithANanOrInfiniteTensorIsRefusedNamingItAndNothingIsStored() throws IOException {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            Path checkpoint = copyUnderRoot(BASE);
            try {
                Path weights = checkpoint.resolve("model.safetensors");
                Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.read(weights));
                tensors.put("bert.encoder.layer.1.output.dense.weight",
                        poisoned(tensors.get("bert.encoder.layer.1.output.dense.weight"), bad, 5));
                Safetensors.writeF32(weights, tensors);
                int before = http.get(MODELS).json().size();

                Http.Response refused = importModel("{\"source\": \"%s\"}".formatted(checkpoint));

                assertThat(refused.status()).as(refused.body()).isEqualTo(400);
                assertThat(refused.contentType()).startsWith("application/problem+json");
                assertThat(refused.json().get("detail").stringValue()).as(refused.body())
                        .contains("bert.encoder.layer.1.output.dense.weight", Float.toString(bad));
                assertNothingStored(before);
            } finally {
                FileTrees.delete(checkpoint);
            }
        }
    }

    /**
     * The adapter: NaN LoRA weights imported (201) and answered "score": "NaN". Its base's weights count too
     * when the base is not a registered (and so already checked) model.
     */
    @Test
    void aPeftAdapterWithNanWeightsIsRefusedNamingTheTensorAndNothingIsStored() throws IOException {
        Path adapter = peftAdapter(Float.NaN, config -> { });
        int before = http.get(MODELS).json().size();
        try {
            Http.Response refused = importModel("{\"source\": \"%s\"}".formatted(adapter));
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.json().get("detail").stringValue()).as(refused.body())
                    .contains("bert.encoder.layer.0.attention.self.query.lora_A.weight", "NaN");
            assertNothingStored(before);
        } finally {
            FileTrees.delete(adapter);
        }
        // a finite adapter over a base (a path, not a registered and so checked model) that is not finite
        Path base = copyUnderRoot(BASE);
        Path fine = peftAdapter(0.01f, config -> { });
        try {
            Path weights = base.resolve("model.safetensors");
            Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.read(weights));
            tensors.put("bert.encoder.layer.0.attention.output.dense.bias",
                    poisoned(tensors.get("bert.encoder.layer.0.attention.output.dense.bias"), Float.NaN, 1));
            Safetensors.writeF32(weights, tensors);
            Http.Response refused = importModel("{\"source\": \"%s\", \"baseModel\": \"%s\"}".formatted(fine, base));
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.json().get("tensor").stringValue()).isEqualTo("bert.encoder.layer.0.attention.output.dense.bias");
            assertNothingStored(before);
        } finally {
            FileTrees.delete(fine);
            FileTrees.delete(base);
        }
    }

    @Test
    void aPeftConfigThatDoesNotFitItsBaseIsRefusedNamingTheField() throws IOException {
        Map<String, Consumer<ObjectNode>> wrong = new LinkedHashMap<>();
        wrong.put("target_modules", config -> config.putArray("target_modules").add("foo"));
        wrong.put("lora_dropout", config -> config.put("lora_dropout", 5));
        wrong.put("lora_alpha", config -> config.put("lora_alpha", 0));
        wrong.put("r", config -> config.put("r", 0));
        int before = http.get(MODELS).json().size();
        for (Map.Entry<String, Consumer<ObjectNode>> field : wrong.entrySet()) {
            Path adapter = peftAdapter(0.01f, field.getValue());
            try {
                Http.Response refused = importModel("{\"source\": \"%s\"}".formatted(adapter));
                assertThat(refused.status()).as(field.getKey() + ": " + refused.body()).isEqualTo(400);
                assertThat(refused.json().get("detail").stringValue()).as(refused.body()).contains(field.getKey());
            } finally {
                FileTrees.delete(adapter);
            }
        }
        Http.Response unknown = null;
        Path adapter = peftAdapter(0.01f, config -> config.putArray("target_modules").add("foo"));
        try {
            unknown = importModel("{\"source\": \"%s\"}".formatted(adapter));
        } finally {
            FileTrees.delete(adapter);
        }
        assertThat(unknown.json().get("detail").stringValue()).as("the base's linear layers, to choose from")
                .contains("query", "value", "dense");
        assertNothingStored(before);

        Path fine = peftAdapter(0.01f, config -> { });
        try {
            Http.Response imported = importModel("{\"source\": \"%s\"}".formatted(fine));
            assertThat(imported.status()).as(imported.body()).isEqualTo(201);
            Http.Response answer = http.postJson(MODELS + "/" + id(imported.json()) + "/predict", "{\"text\": \"a film\"}");
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().get("predictions").get(0).get("score").isNumber()).isTrue();
        } finally {
            FileTrees.delete(fine);
        }
    }

    /**
     * A model registered before weights were checked (here: its stored weights rewritten with NaN) answers a 503
     * naming it, never a NaN score, and the server logs it once, not once per request.
     */
    @Test
    void aModelWhoseScoresAreNotFiniteAnswers503NamingItAndIsLoggedOnce() throws Exception {
        String served = id(importModel("{\"source\": \"%s\"}".formatted(Golden.dir(BASE))).json());
        assertThat(http.postJson(MODELS + "/" + served + "/promote", "").status()).isEqualTo(200);
        String broken = id(importModel("{\"source\": \"%s\", \"name\": \"broken\"}".formatted(Golden.dir(BASE))).json());
        Path weights = dataDir.resolve("models").resolve(broken).resolve("model.safetensors");
        Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.read(weights));
        Tensor classifier = tensors.get("classifier.weight");
        tensors.put("classifier.weight", poisoned(classifier, Float.NaN, classifier.data().length));
        Safetensors.writeF32(weights, tensors);

        Logger logger = (Logger) LoggerFactory.getLogger("dev.attune.serving.FiniteScores");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            List<Callable<Http.Response>> requests = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                requests.add(() -> http.postJson(MODELS + "/" + broken + "/predict", "{\"text\": \"a good film\"}"));
            }
            List<Http.Response> answers = new ArrayList<>();
            answers.add(requests.get(0).call()); // alone: on the request's thread
            ExecutorService pool = Executors.newFixedThreadPool(5); // together: through the micro-batcher
            try {
                for (Future<Http.Response> answer : pool.invokeAll(requests.subList(1, 6))) {
                    answers.add(answer.get());
                }
            } finally {
                pool.shutdown();
            }
            for (Http.Response answer : answers) {
                assertThat(answer.status()).as(answer.body()).isEqualTo(503);
                assertThat(answer.contentType()).startsWith("application/problem+json");
                assertThat(answer.json().get("detail").stringValue()).contains(broken).doesNotContain("\"score\"");
            }
            assertThat(logged.list).as("logged once per model").hasSize(1);
            assertThat(logged.list.get(0).getFormattedMessage()).contains(broken);
        } finally {
            logger.detachAppender(logged);
        }
        Http.Response fine = http.postJson(MODELS + "/" + served + "/predict", "{\"text\": \"a good film\"}");
        assertThat(fine.status()).as("other models answer on").isEqualTo(200);
    }

    /**
     * A base whose last position embedding is NaN: a run with maxLength 32 never reads it, so the loss stays finite,
     * but the trained weights still hold it. The job fails naming the tensor and registers nothing.
     */
    @Test
    void aRunWhoseWeightsAreNotFiniteFailsNamingTheTensorAndRegistersNothing() throws IOException {
        Path base = copyUnderRoot(BASE);
        try {
            Path weights = base.resolve("model.safetensors");
            Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.read(weights));
            Tensor positions = tensors.get("bert.embeddings.position_embeddings.weight"); // [64, 32]
            float[] data = positions.data().clone();
            data[63 * 32 + 7] = Float.NaN;
            tensors.put("bert.embeddings.position_embeddings.weight", new Tensor("F32", positions.shape(), data));
            Safetensors.writeF32(weights, tensors);
            Http.Response dataset = http.upload("/api/v1/datasets", "reviews.csv",
                    TrainingData.csv(80, 1).getBytes(StandardCharsets.UTF_8), Map.of());
            int before = http.get(MODELS).json().size();

            Http.Response submitted = http.postJson("/api/v1/jobs", ("{\"datasetId\": \"%s\", \"baseModel\": \"%s\", "
                    + "\"epochs\": 1, \"batchSize\": 8, \"maxLength\": 32, \"seed\": 3, \"validationSplit\": 0.2}")
                    .formatted(id(dataset.json()), base));
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
            JsonNode job = JobPolling.awaitJob(http, id(submitted.json()),
                    j -> j.get("status").stringValue().matches("SUCCEEDED|FAILED|CANCELLED"), "end");

            assertThat(job.get("status").stringValue()).as(job.toString()).isEqualTo("FAILED");
            assertThat(job.get("error").get("type").stringValue()).isEqualTo("non_finite_weights");
            assertThat(job.get("error").get("message").stringValue())
                    .contains("bert.embeddings.position_embeddings.weight");
            assertThat(http.get(MODELS).json().size()).isEqualTo(before);
        } finally {
            FileTrees.delete(base);
        }
    }

    /** A copy of {@code tensor} with {@code count} values from index 0 replaced by {@code value}. */
    private static Tensor poisoned(Tensor tensor, float value, int count) {
        float[] data = tensor.data().clone();
        java.util.Arrays.fill(data, 0, count, value);
        return new Tensor("F32", tensor.shape(), data);
    }

    /**
     * A PEFT adapter over the golden BERT in PEFT's layout: rank 2 on query and value, every LoRA weight {@code
     * value} (A) or a small random one (B), the head (classifier, pooler) the base's, its config then edited.
     */
    private static Path peftAdapter(float value, Consumer<ObjectNode> edit) throws IOException {
        Path dir = importRoot.resolve("peft-" + System.nanoTime());
        Map<String, Tensor> base = Safetensors.read(Golden.dir(BASE).resolve("model.safetensors"));
        Random random = new Random(5);
        Map<String, Tensor> lora = new LinkedHashMap<>();
        for (int layer = 0; layer < 2; layer++) {
            for (String module : List.of("query", "value")) {
                String name = "bert.encoder.layer.%d.attention.self.%s".formatted(layer, module);
                float[] a = new float[2 * 32];
                java.util.Arrays.fill(a, value);
                float[] b = new float[32 * 2];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) random.nextGaussian() * 0.01f;
                }
                lora.put(name + ".lora_A.weight", new Tensor("F32", new long[] {2, 32}, a));
                lora.put(name + ".lora_B.weight", new Tensor("F32", new long[] {32, 2}, b));
            }
        }
        Map<String, Tensor> head = new LinkedHashMap<>();
        for (String name : List.of("classifier.weight", "classifier.bias", "bert.pooler.dense.weight",
                "bert.pooler.dense.bias")) {
            head.put(name, base.get(name));
        }
        LoraFiles.write(dir, new LoraFiles.Adapter(new LoraSettings(2, 4.0, 0.0, List.of("query", "value")),
                List.of("classifier", "pooler"), Golden.dir(BASE).toString(), null, lora, head));
        Path config = dir.resolve(LoraFiles.CONFIG);
        ObjectNode json = (ObjectNode) JSON.readTree(Files.readString(config));
        edit.accept(json);
        Files.writeString(config, JSON.writeValueAsString(json));
        return dir;
    }

    private void assertNothingStored(int modelsBefore) throws IOException {
        assertThat(http.get(MODELS).json().size()).as("no row").isEqualTo(modelsBefore);
        try (Stream<Path> entries = Files.list(dataDir.resolve("models"))) {
            List<String> left = entries.map(p -> p.getFileName().toString()).toList();
            assertThat(left).as("no half-written directory").noneMatch(n -> n.startsWith(".tmp"));
            assertThat(left.size()).as("one directory per model").isEqualTo(modelsBefore);
        }
    }

    private static Path copyUnderRoot(String golden) throws IOException {
        Path copy = importRoot.resolve(golden + "-copy-" + System.nanoTime());
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(Golden.dir(golden))) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    private Http.Response importModel(String json) {
        return http.postJson(MODELS + "/import", json);
    }

    private static String id(JsonNode node) {
        return node.get("id").stringValue();
    }
}
