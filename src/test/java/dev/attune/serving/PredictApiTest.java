package dev.attune.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** /predict through real HTTP with imported golden classifiers: exact numbers, batching, hot swap, bad input. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"attune.predict.max-batch=8", "attune.predict.max-body-size=4KB", "attune.predict.max-wait=2ms"})
class PredictApiTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    Http http;

    /** Each test starts with a model of its own serving, whatever ran before it. */
    @BeforeEach
    void setUp() {
        http = new Http(port);
        String serving = importModel("tiny-bert-sst2");
        assertThat(http.postJson("/api/v1/models/" + serving + "/promote", "").status()).isEqualTo(200);
        awaitServing(serving);
    }

    @Test
    void importedGoldenClassifiersReproduceTransformersProbabilitiesThroughHttp() {
        for (String name : List.of("tiny-bert-sst2", "tiny-distilbert-sst2", "tiny-roberta-sst2")) {
            String id = importModel(name);
            JsonNode golden = Golden.json(name);
            StringBuilder texts = new StringBuilder();
            golden.get("texts").forEach(t -> texts.append(texts.isEmpty() ? "" : ",").append(t.toString()));

            JsonNode response = http.postJson("/api/v1/models/" + id + "/predict", "{\"texts\": [" + texts + "]}").json();

            assertThat(response.get("model").stringValue()).isEqualTo(id);
            JsonNode predictions = response.get("predictions");
            assertThat(predictions).hasSize(golden.get("texts").size());
            for (int i = 0; i < predictions.size(); i++) {
                JsonNode expected = golden.get("probabilities").get(i);
                JsonNode probabilities = predictions.get(i).get("probabilities");
                List<String> labels = new ArrayList<>(probabilities.propertyNames());
                for (int c = 0; c < labels.size(); c++) {
                    assertThat(probabilities.get(labels.get(c)).doubleValue())
                            .isCloseTo(expected.get(c).doubleValue(), org.assertj.core.api.Assertions.within(1e-4));
                }
                assertThat(predictions.get(i).get("label").stringValue()).isEqualTo(golden.get("labels").get(i).stringValue());
                long padId = name.contains("roberta") ? 1 : 0;
                long realTokens = java.util.stream.StreamSupport.stream(golden.get("input_ids").get(i).spliterator(), false)
                        .filter(token -> token.longValue() != padId).count();
                if (realTokens < golden.get("max_length").intValue()) {
                    assertThat(predictions.get(i).get("truncated").booleanValue()).as("text %d", i).isFalse();
                }
            }
        }
    }

    @Test
    void predictServesThePromotedModelAndExplainsWhy() {
        String id = importModel("tiny-roberta-sst2");
        assertThat(http.postJson("/api/v1/models/" + id + "/promote", "").status()).isEqualTo(200);
        awaitServing(id);

        JsonNode answer = http.postJson("/predict", "{\"text\": \"a gorgeous , witty , seductive movie .\"}").json();
        assertThat(answer.get("model").stringValue()).isEqualTo(id);
        assertThat(answer.get("predictions")).hasSize(1);
        assertThat(http.get("/api/v1/serving").json().get("reason").stringValue()).isEqualTo("promoted");
    }

    @Test
    void everyAnswerCarriesItsRequestIdTheCallersOrANewOne() {
        JsonNode named = http.postJson("/predict", body("great fun"), Map.of("X-Request-Id", "order-17")).json();
        assertThat(named.get("requestId").stringValue()).isEqualTo("order-17");
        String first = http.postJson("/predict", body("great fun")).json().get("requestId").stringValue();
        String second = http.postJson("/predict", body("great fun")).json().get("requestId").stringValue();
        assertThat(first).isNotBlank().isNotEqualTo(second);
        String model = named.get("model").stringValue();
        assertThat(http.postJson("/api/v1/models/" + model + "/predict", body("great fun"), Map.of("X-Request-Id", "r2"))
                .json().get("requestId").stringValue()).isEqualTo("r2");
    }

    @Test
    void concurrentRequestsGetTheirOwnAnswers() throws Exception {
        List<String> texts = List.of("a gorgeous , witty , seductive movie .", "the plot is nothing but boilerplate",
                "it's a charming and often affecting journey .", "unk: zzqx ok", "dull and lifeless", "great fun",
                "a mess from start to finish", "the best film of the year");
        Map<String, JsonNode> alone = new ConcurrentHashMap<>();
        for (String text : texts) {
            alone.put(text, http.postJson("/predict", body(text)).json().get("predictions").get(0));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            String text = texts.get(i % texts.size());
            results.add(pool.submit(() -> sameAnswer(alone.get(text),
                    new Http(port).postJson("/predict", body(text)).json().get("predictions").get(0))));
        }
        for (Future<Boolean> result : results) {
            assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
        }
        pool.shutdown();
        JsonNode batchSizes = http.get("/actuator/metrics/attune.predict.batch.size").json();
        double count = 0;
        double total = 0;
        for (JsonNode measurement : batchSizes.get("measurements")) {
            switch (measurement.get("statistic").stringValue()) {
                case "COUNT" -> count = measurement.get("value").doubleValue();
                case "TOTAL" -> total = measurement.get("value").doubleValue();
                default -> { }
            }
        }
        // more texts than forward passes: concurrent requests shared batches (Prometheus keeps no MAX here)
        assertThat(total / count).as("mean texts per forward pass: " + batchSizes).isGreaterThan(1);
    }

    @Test
    void modelsAskedForByIdLoadOnceEvenUnderConcurrentRequestsAndFewStayLoaded() throws Exception {
        List<String> ids = List.of(importModel("tiny-distilbert-sst2"), importModel("tiny-roberta-sst2"),
                importModel("tiny-distilbert-sst2"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (String id : ids) { // three models by id: more than are kept loaded, so one is evicted on the way
                List<Future<Http.Response>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    answers.add(pool.submit(() -> new Http(port).postJson("/api/v1/models/" + id + "/predict",
                            body("a charming journey"))));
                }
                for (Future<Http.Response> answer : answers) {
                    Http.Response response = answer.get(60, TimeUnit.SECONDS);
                    assertThat(response.status()).as(response.body()).isEqualTo(200);
                    assertThat(response.json().get("model").stringValue()).isEqualTo(id);
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(http.postJson("/api/v1/models/" + ids.get(0) + "/predict", body("again")).status()).isEqualTo(200);
    }

    @Test
    void hotSwapUnderLoadLosesNoRequest() throws Exception {
        String first = importModel("tiny-bert-sst2");
        String second = importModel("tiny-distilbert-sst2");
        http.postJson("/api/v1/models/" + first + "/promote", "");
        awaitServing(first);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Map<String, Boolean> answeredBy = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            pool.submit(() -> {
                Http client = new Http(port);
                while (!stop.get()) {
                    Http.Response response = client.postJson("/predict", body("a charming journey"));
                    if (response.status() == 200) {
                        ok.incrementAndGet();
                        answeredBy.put(response.json().get("model").stringValue(), true);
                    } else {
                        failed.incrementAndGet();
                    }
                }
            });
        }
        awaitMore(ok, 20); // the clients are busy on the first model
        http.postJson("/api/v1/models/" + second + "/promote", "");
        awaitServing(second);
        awaitMore(ok, 20);
        http.postJson("/api/v1/models/" + first + "/promote", "");
        awaitServing(first);
        awaitMore(ok, 20);
        stop.set(true);
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(failed.get()).isZero();
        assertThat(ok.get()).isGreaterThan(20);
        assertThat(answeredBy.keySet()).contains(first, second);
    }

    @Test
    void badInputIsAProblemNamingWhatWasWrong() {
        assertInvalid("{}", "exactly one of");
        assertInvalid("{\"text\": \"\"}", "empty");
        assertInvalid("{\"text\": 5}", "'text' has the wrong type: it must be a string");
        assertInvalid("{\"texts\": [\"ok\", \" \"]}", "texts[1]: is empty");
        assertInvalid("{\"text\": \"ok\", \"modle\": \"x\"}", "'modle' is not part of this request");
        assertInvalid("{\"texts\": []}", "non-empty array");
        assertInvalid("{\"texts\": [\"ok\", 3]}", "texts[1]");
        assertInvalid("{\"texts\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]}", "at most 8");
        Http.Response tooLarge = http.postJson("/predict", "{\"text\": \"" + "x".repeat(5000) + "\"}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.contentType()).startsWith("application/problem+json");
        assertThat(http.postJson("/predict", "{not json").status()).isEqualTo(400);
        assertThat(http.postJson("/api/v1/models/nope/predict", body("x")).status()).isEqualTo(404);
    }

    @Test
    void veryLongTextsAreTruncatedAndSaySo() {
        JsonNode answer = http.postJson("/predict", body("word ".repeat(300))).json();
        assertThat(answer.get("predictions").get(0).get("truncated").booleanValue()).isTrue();
        assertThat(answer.get("maxLength").intValue()).isEqualTo(64);
    }

    @Test
    void predictMetersArePublished() {
        http.postJson("/predict", body("a charming journey"));
        JsonNode latency = http.get("/actuator/metrics/attune.predict.latency").json();
        assertThat(latency.get("measurements").get(0).get("value").doubleValue()).isPositive();
        JsonNode batchSize = http.get("/actuator/metrics/attune.predict.batch.size").json();
        assertThat(batchSize.get("measurements").get(0).get("value").doubleValue()).isPositive();
        assertThat(http.get("/actuator/metrics/attune.predict.errors").status()).isEqualTo(200);
    }

    /** The same label and, up to float rounding of differently padded batches, the same probabilities. */
    private static boolean sameAnswer(JsonNode expected, JsonNode actual) {
        if (!expected.get("label").equals(actual.get("label"))) {
            return false;
        }
        for (String label : expected.get("probabilities").propertyNames()) {
            double difference = expected.get("probabilities").get(label).doubleValue()
                    - actual.get("probabilities").get(label).doubleValue();
            if (Math.abs(difference) > 1e-5) {
                return false;
            }
        }
        return true;
    }

    @Test
    void chunkedBodyOverTheLimitIs413Too() throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/predict"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        ("{\"text\": \"" + "y".repeat(6000) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .build(); // no Content-Length: sent chunked
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("max-body-size");
    }

    @Test
    void deletingTheServingModelSaysSwitchingUntilItsSuccessorServes() {
        String keep = importModel("tiny-bert-sst2");
        String promoted = importModel("tiny-distilbert-sst2");
        assertThat(http.postJson("/api/v1/models/" + promoted + "/promote", "").status()).isEqualTo(200);
        awaitServing(promoted);

        assertThat(http.delete("/api/v1/models/" + promoted).status()).isEqualTo(204);
        JsonNode right = http.get("/api/v1/serving").json();
        if (promoted.equals(right.path("modelId").asString(""))) {
            assertThat(right.get("state").stringValue()).isEqualTo("switching");
        }
        assertThat(http.postJson("/api/v1/models/" + keep + "/promote", "").status()).isEqualTo(200);
        awaitServing(keep);
        JsonNode status = http.get("/api/v1/serving").json();
        assertThat(status.get("state").stringValue()).isEqualTo("serving");
        // an import has no int8 measurement: auto serves it in fp32 through ONNX Runtime, and says why
        assertThat(status.get("engine").stringValue()).isEqualTo("onnxruntime fp32");
        assertThat(status.get("engineReason").stringValue()).contains("int8 was never measured");
        assertThat(http.postJson("/predict", body("great fun")).status()).isEqualTo(200);
    }

    private void assertInvalid(String json, String detail) {
        Http.Response response = http.postJson("/predict", json);
        assertThat(response.status()).as(json).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").stringValue()).contains(detail);
    }

    @Test
    void aModelsOwnServingPrecisionOverridesTheNodesAndAChangeReloadsIt() {
        Http.Response created = http.postJson("/api/v1/models/import", """
                {"source": "%s", "servingPrecision": "int8"}""".formatted(Golden.dir("tiny-roberta-sst2")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("servingPrecision").stringValue()).isEqualTo("int8");
        String id = created.json().get("id").stringValue();
        assertThat(http.postJson("/api/v1/models/" + id + "/promote", "").status()).isEqualTo(200);
        awaitEngine("onnxruntime int8", "the model's own serving precision is int8");
        assertThat(http.postJson("/predict", body("great fun")).status()).isEqualTo(200);

        Http.Response changed = http.putJson("/api/v1/models/" + id + "/serving-precision", "{\"precision\": \"fp32\"}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        awaitEngine("onnxruntime fp32", "the model's own serving precision is fp32");
        http.putJson("/api/v1/models/" + id + "/serving-precision", "{\"precision\": null}");
        awaitEngine("onnxruntime fp32", "int8 was never measured"); // back to the node's auto: an import, fp32
        assertThat(http.get("/api/v1/models/" + id).json().get("servingPrecision").isNull()).isTrue();

        Http.Response unknown = http.putJson("/api/v1/models/" + id + "/serving-precision", "{\"precision\": \"int4\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("detail").stringValue()).contains("'precision' is invalid: 'int4' is not one of");
        assertThat(http.putJson("/api/v1/models/nope/serving-precision", "{\"precision\": \"int8\"}").status())
                .isEqualTo(404);
    }

    private void awaitEngine(String engine, String reason) {
        long deadline = System.currentTimeMillis() + 30_000;
        JsonNode status = null;
        while (System.currentTimeMillis() < deadline) {
            status = http.get("/api/v1/serving").json();
            if (engine.equals(status.path("engine").asString("")) && status.path("engineReason").asString("").contains(reason)
                    && "serving".equals(status.path("state").asString(""))) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new AssertionError("serving status never said " + engine + " (" + reason + "): " + status);
    }

    private String importModel(String name) {
        Http.Response response = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"name\": \"%s\"}".formatted(Golden.dir(name), name));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }

    /** Waits until {@code counter} has grown by {@code more}. */
    private static void awaitMore(AtomicInteger counter, int more) {
        int target = counter.get() + more;
        long deadline = System.currentTimeMillis() + 30_000;
        while (counter.get() < target) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("only " + counter.get() + " of " + target + " answers");
            }
            Thread.onSpinWait();
        }
    }

    private void awaitServing(String id) {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            Http.Response serving = http.get("/api/v1/serving");
            if (serving.status() == 200 && serving.json().path("modelId").asString("").equals(id)) { // null while loading
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new AssertionError("model " + id + " was not swapped in");
    }

    private static String body(String text) {
        return "{\"text\": \"" + text.replace("\"", "\\\"") + "\"}";
    }
}
