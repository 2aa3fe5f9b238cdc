package dev.attune.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import ai.djl.Device;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LoraSettings;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Downloads that are built (ONNX, a LoRA model merged) through real HTTP (issue 32): built once per model and
 * format and served from the cache, at most attune.models.max-download-builds (here 1) at once with 429 beyond
 * (requests for a zip being built wait for it), deleted with the model; the ONNX zip in the layout transformers.js and optimum load; a PEFT download naming its
 * base as its user knows it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "attune.models.max-download-builds=1")
class ModelDownloadsApiTest {

    private static final String MODELS = "/api/v1/models";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Path dataDir;
    private static Path adapters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        dataDir = TestDataDir.register(registry);
        adapters = Files.createDirectories(dataDir.resolveSibling(dataDir.getFileName() + "-adapters"));
        registry.add("attune.models.import-roots", () -> Golden.dir("tiny-bert").getParent() + "," + adapters);
    }

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;
    @Autowired
    DownloadCache cache;
    @Autowired
    ModelFiles files;
    Http http;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @Test
    void theSameModelAndFormatIsBuiltOnceAndServedFromTheCache() throws Exception {
        String id = importModel(Golden.dir("tiny-bert-sst2").toString(), "once");
        double before = builds("onnx");

        HttpResponse<byte[]> first = download(id, "onnx");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValueAsLong("Content-Length")).hasValue(first.body().length);
        Path cached = singleCachedZip(id);
        FileTime builtAt = Files.getLastModifiedTime(cached);
        Thread.sleep(20);
        HttpResponse<byte[]> second = download(id, "onnx");

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body()).isEqualTo(Files.readAllBytes(cached));
        assertThat(builds("onnx") - before).isEqualTo(1);
        assertThat(singleCachedZip(id)).isEqualTo(cached);
        assertThat(Files.getLastModifiedTime(cached)).isEqualTo(builtAt);
    }

    /**
     * One build (model H's ONNX zip) is held open, as a large model's export would be, taking the one build allowed:
     * concurrent requests for H wait for it and then all get the same bytes; requests for other models' zips not
     * built yet are 429 with Retry-After naming the limit and its setting; once H is built they are served.
     */
    @Test
    void buildsBeyondTheLimitAre429WhileRequestsForTheBuildUnderWayWaitForIt() throws Exception {
        String held = importModel(Golden.dir("tiny-bert-sst2").toString(), "held");
        List<String> others = List.of(importModel(Golden.dir("tiny-distilbert-sst2").toString(), "other a"),
                importModel(Golden.dir("tiny-roberta-sst2").toString(), "other b"));
        double before = builds("onnx");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Path> holder = pool.submit(() -> cache.get(held, "onnx", List.of(files.pathOf(held)), file -> {
            building.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            OnnxZip.write(files.pathOf(held), dev.attune.modeling.onnx.OnnxExport.Weights.FP32, file);
        }));
        assertThat(building.await(30, TimeUnit.SECONDS)).isTrue();

        List<Future<HttpResponse<byte[]>>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(pool.submit(() -> download(held, "onnx")));
        }
        List<Future<HttpResponse<byte[]>>> refused = new ArrayList<>();
        for (String id : others) {
            refused.add(pool.submit(() -> download(id, "onnx")));
            refused.add(pool.submit(() -> download(id, "onnx")));
        }
        for (Future<HttpResponse<byte[]>> future : refused) {
            HttpResponse<byte[]> response = future.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(429);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            JsonNode problem = JSON.readTree(response.body());
            assertThat(problem.get("limit").intValue()).isEqualTo(1);
            assertThat(problem.get("setting").stringValue()).isEqualTo("attune.models.max-download-builds");
            assertThat(problem.get("detail").stringValue()).contains("attune.models.max-download-builds");
        }
        Thread.sleep(200); // the requests for H are waiting for its build, not refused
        assertThat(waiting).noneMatch(Future::isDone);

        release.countDown();
        Path built = holder.get(60, TimeUnit.SECONDS);
        for (Future<HttpResponse<byte[]>> future : waiting) {
            HttpResponse<byte[]> response = future.get(60, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(Files.readAllBytes(built));
        }
        pool.shutdown();
        for (String id : others) { // the build done, the others are built in turn
            HttpResponse<byte[]> first = download(id, "onnx");
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(download(id, "onnx").body()).isEqualTo(first.body());
        }
        assertThat(builds("onnx") - before).isEqualTo(1 + others.size()); // each built once, H too
    }

    @Test
    void aDeletedModelsCachedDownloadsAreDeletedWithIt() throws Exception {
        String id = importModel(Golden.dir("tiny-distilbert-sst2").toString(), "deleted");
        assertThat(download(id, "onnx").statusCode()).isEqualTo(200);
        assertThat(dataDir.resolve("downloads").resolve(id)).isDirectory();

        assertThat(http.delete(MODELS + "/" + id).status()).isEqualTo(204);

        assertThat(dataDir.resolve("downloads").resolve(id)).doesNotExist();
        assertThat(download(id, "onnx").statusCode()).isEqualTo(404);
    }

    @Test
    void theOnnxZipHasTheLayoutTransformersJsAndOptimumLoad() throws Exception {
        String id = importModel(Golden.dir("tiny-roberta-sst2").toString(), "layout");
        Map<String, byte[]> fp32 = entries(download(id, "onnx").body());
        assertThat(fp32.keySet()).containsExactlyInAnyOrder("config.json", "tokenizer.json", "tokenizer_config.json",
                "onnx/model.onnx");
        assertThat(fp32.get("tokenizer_config.json"))
                .isEqualTo(Files.readAllBytes(Golden.dir("tiny-roberta-sst2").resolve("tokenizer_config.json")));
        assertThat(entries(download(id, "onnx-int8").body()).keySet()).containsExactlyInAnyOrder("config.json",
                "tokenizer.json", "tokenizer_config.json", "onnx/model_quantized.onnx");

        // a checkpoint without tokenizer_config.json gets a minimal one
        Path bare = copyWithout("tiny-bert-sst2", "tokenizer_config.json");
        Map<String, byte[]> written = entries(download(importModel(bare.toString(), "bare"), "onnx").body());
        assertThat(written.keySet()).contains("tokenizer_config.json", "onnx/model.onnx");
        JsonNode config = JSON.readTree(new String(written.get("tokenizer_config.json"), StandardCharsets.UTF_8));
        assertThat(config.get("tokenizer_class").stringValue()).isEqualTo("BertTokenizer");
        assertThat(config.get("do_lower_case").booleanValue()).isTrue();
        assertThat(config.get("model_max_length").intValue()).isPositive();
        assertThat(config.get("cls_token").stringValue()).isEqualTo("[CLS]");
        assertThat(config.get("pad_token").stringValue()).isEqualTo("[PAD]");
    }

    @Test
    void aLoraModelsPeftDownloadNamesItsBaseAsItsUserKnowsItAndItsMergedDownloadIsBuiltOnce() throws Exception {
        String baseId = importModel(Golden.dir("tiny-bert-sst2").toString(), "tiny base");
        Path adapter = adapters.resolve("adapter-" + System.nanoTime());
        try (ClassifierModel model = ClassifierModel.load(Golden.dir("tiny-bert-sst2"), Device.cpu())) {
            model.attachLora(LoraSettings.NONE.withDefaults("bert"), 3, Golden.dir("tiny-bert-sst2"));
            model.save(adapter);
        }
        Http.Response imported = http.postJson(MODELS + "/import",
                "{\"source\": \"%s\", \"baseModel\": \"%s\"}".formatted(adapter, baseId));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String id = imported.json().get("id").stringValue();

        Map<String, byte[]> peft = entries(download(id, "peft").body());
        assertThat(peft.keySet()).contains("adapter_config.json", "adapter_model.safetensors")
                .doesNotContain("attune_adapter.json");
        String baseName = JSON.readTree(new String(peft.get("adapter_config.json"), StandardCharsets.UTF_8))
                .get("base_model_name_or_path").stringValue();
        assertThat(baseName).isEqualTo("tiny base");
        assertThat(Path.of(baseName).isAbsolute()).isFalse();
        assertThat(new String(peft.get("adapter_config.json"), StandardCharsets.UTF_8))
                .doesNotContain(dataDir.toString(), Golden.dir("tiny-bert-sst2").toString());

        double before = builds("checkpoint");
        byte[] merged = download(id, "checkpoint").body();
        assertThat(entries(merged).keySet()).contains("model.safetensors", "config.json", "tokenizer.json");
        assertThat(download(id, "checkpoint").body()).isEqualTo(merged);
        assertThat(builds("checkpoint") - before).isEqualTo(1);
    }

    private double builds(String format) {
        Counter counter = meters.find("attune.model.download.builds").tag("format", format).counter();
        return counter == null ? 0 : counter.count();
    }

    private Path singleCachedZip(String id) throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("downloads").resolve(id))) {
            List<Path> zips = files.filter(f -> f.getFileName().toString().endsWith(".zip")).toList();
            assertThat(zips).hasSize(1);
            assertThat(zips.get(0).getFileName().toString()).startsWith("onnx.").doesNotStartWith(".tmp");
            return zips.get(0);
        }
    }

    private HttpResponse<byte[]> download(String id, String format) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + MODELS + "/" + id
                + "/download?format=" + format)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Map<String, byte[]> entries(byte[] zipBytes) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(zipBytes))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        return entries;
    }

    private static Path copyWithout(String golden, String left) throws IOException {
        Path copy = Files.createDirectories(adapters.resolve(golden + "-" + System.nanoTime()));
        try (Stream<Path> files = Files.list(Golden.dir(golden))) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals(left)).toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return copy;
    }

    private String importModel(String source, String name) {
        Http.Response created = http.postJson(MODELS + "/import",
                "{\"source\": \"%s\", \"name\": \"%s\"}".formatted(source, name));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").stringValue();
    }
}
