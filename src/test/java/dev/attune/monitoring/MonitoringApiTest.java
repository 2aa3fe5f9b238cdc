package dev.attune.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ai.djl.Device;
import dev.attune.modeling.ClassifierModel;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Monitoring through real HTTP, the real H2 database and golden tiny models: traffic that looks like the reference
 * is ok, one-sided traffic alerts (the gauge, the health component and the event say so), counts are exact under
 * concurrent callers and add up over nodes, and bad calls get a clear answer. The flush and the drift watch run
 * when the test says (their intervals are an hour here).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "attune.monitoring.flush-interval=1h", "attune.monitoring.evaluate-interval=1h", "attune.monitoring.min-texts=50",
    "attune.jobs.progress-interval=0s", "attune.predict.precision=fp32"})
@Import(MonitoringApiTest.Events.class)
class MonitoringApiTest {

    private static Path dataDir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        dataDir = TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    MonitoringFlush flush;
    @Autowired
    DriftWatch watch;
    @Autowired
    ReferenceFigures referenceFigures;
    @Autowired
    MonitoringRepository repository;
    @Autowired
    Events events;
    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @Test
    void trafficLikeTheReferenceIsOkAndOneSidedTrafficAlertsInTheApiPrometheusHealthAndAnEvent() throws Exception {
        String model = importModel("tiny-bert-sst2");
        List<String> texts = texts(120, 5);
        try (ClassifierModel loaded = ClassifierModel.load(dataDir.resolve("models").resolve(model), Device.cpu())) {
            assertThat(referenceFigures.measureAndStore(model, loaded, texts, null, "the test's texts")).isNotNull();
        }
        deploy("reviews", model);
        predictAll("reviews", texts);
        flush.flush();

        JsonNode ok = monitoring("/api/v1/deployments/reviews/monitoring");
        assertThat(ok.get("status").stringValue()).as(ok.toString()).isEqualTo("ok");
        JsonNode window = ok.get("models").get(0);
        assertThat(window.get("role").stringValue()).isEqualTo("model");
        assertThat(window.get("texts").longValue()).isEqualTo(120);
        assertThat(window.get("requests").longValue()).isEqualTo(15);
        assertThat(window.get("reference").get("rows").intValue()).isEqualTo(120);
        for (JsonNode figure : window.get("figures")) {
            assertThat(figure.get("psi").doubleValue()).as("the same texts: %s", figure).isLessThan(0.01);
            assertThat(figure.get("status").stringValue()).isEqualTo("ok");
        }
        assertThat(figureNamed(window, "label").get("bins")).allSatisfy(bin -> assertThat(bin.get("servedShare")
                .doubleValue()).isEqualTo(bin.get("referenceShare").doubleValue()));
        assertThat(window.get("latency").get("p50Ms").doubleValue()).isPositive();
        assertThat(window.get("minutes").get(0).get("texts").longValue()).isPositive();
        watch.evaluate();
        assertThat(events.changes).as("a first judgement of ok is no change").isEmpty();

        // one-sided: every text long enough to be cut, with a character the vocabulary lacks
        String longText = "\u2603 " + "the film was a long one and ".repeat(150);
        predictAll("reviews", java.util.Collections.nCopies(400, longText));
        flush.flush();
        JsonNode alert = monitoring("/api/v1/deployments/reviews/monitoring?window=PT15M");
        assertThat(alert.get("status").stringValue()).as(alert.toString()).isEqualTo("alert");
        JsonNode drifted = alert.get("models").get(0);
        assertThat(figureNamed(drifted, "tokens").get("psi").doubleValue()).isGreaterThan(0.25);
        assertThat(figureNamed(drifted, "truncated").get("psi").doubleValue()).isGreaterThan(0.25);
        assertThat(figureNamed(drifted, "truncated").get("status").stringValue()).isEqualTo("alert");
        assertThat(figureNamed(drifted, "unknown_tokens").get("psi").doubleValue()).isGreaterThan(0.25);

        watch.evaluate();
        String prometheus = http.get("/actuator/prometheus").body();
        assertThat(prometheus).containsPattern("attune_predict_drift_psi\\{deployment=\"reviews\",feature=\"truncated\","
                + "model=\"" + model + "\"[^}]*} [0-9.]+");
        assertThat(prometheus).contains("attune_predict_drift_status{deployment=\"reviews\",model=\"" + model + "\"} 2.0");
        JsonNode health = http.get("/actuator/health/drift").json();
        assertThat(health.get("status").stringValue()).as("drift never takes the node out").isEqualTo("UP");
        assertThat(health.get("details").get("deployments").get("reviews/" + model).stringValue()).isEqualTo("alert");
        assertThat(events.changes).singleElement().satisfies(change -> {
            assertThat(change.deployment()).isEqualTo("reviews");
            assertThat(change.from()).isEqualTo(DriftStatus.OK);
            assertThat(change.to()).isEqualTo(DriftStatus.ALERT);
            assertThat(change.psi()).isGreaterThan(0.25);
        });
    }

    @Test
    void aFineTunedModelCarriesTheReferenceOfItsValidationRows() {
        Http.Response dataset = http.upload("/api/v1/datasets", "reviews.csv",
                TrainingData.csv(200, 7).getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(dataset.status()).as(dataset.body()).isEqualTo(201);
        Http.Response submitted = http.postJson("/api/v1/jobs", ("{\"datasetId\": \"%s\", \"baseModel\": \"%s\", "
                + "\"epochs\": 1, \"batchSize\": 16, \"maxLength\": 32, \"seed\": 11, \"validationSplit\": 0.3}")
                .formatted(dataset.json().get("id").stringValue(), Golden.dir("tiny-bert-sst2")));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode job = JobPolling.awaitJob(http, submitted.json().get("id").stringValue(),
                j -> j.get("status").stringValue().matches("SUCCEEDED|FAILED|CANCELLED"), "end");
        assertThat(job.get("status").stringValue()).as(job.toString()).isEqualTo("SUCCEEDED");
        String model = job.get("modelId").stringValue();

        JsonNode quiet = monitoring("/api/v1/models/" + model + "/monitoring");
        assertThat(quiet.get("status").stringValue()).isEqualTo("no_traffic");
        assertThat(quiet.get("detail").stringValue()).contains("Nothing was served");
        JsonNode reference = quiet.get("models").get(0).get("reference");
        assertThat(reference.get("rows").intValue()).as("the 60 validation rows").isEqualTo(60);
        assertThat(reference.get("maxLength").intValue()).isEqualTo(32);
        assertThat(reference.get("source").stringValue()).contains(job.get("id").stringValue());
        long labelled = 0;
        for (JsonNode bin : figureNamed(quiet.get("models").get(0), "label").get("bins")) {
            labelled += bin.get("reference").longValue();
        }
        assertThat(labelled).isEqualTo(60);
    }

    @Test
    void concurrentCallersThroughAModelAndItsCanaryAreCountedExactly() throws Exception {
        String model = importModel("tiny-bert-sst2");
        String canary = importModel("tiny-roberta-sst2");
        deploy("busy", model);
        assertThat(http.putJson("/api/v1/deployments/busy", "{\"canary\": {\"modelId\": \"%s\", \"percent\": 50}}"
                .formatted(canary)).status()).isEqualTo(200);
        List<String> five = texts(5, 3);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> calls = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            calls.add(pool.submit(() -> {
                for (int r = 0; r < 20; r++) {
                    Http.Response answer = http.postJson("/predict", body("busy", five),
                            Map.of("X-Request-Id", "caller-" + thread + "-" + r));
                    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                }
            }));
        }
        for (Future<?> call : calls) {
            call.get();
        }
        pool.shutdown();
        // the largest request allowed (attune.predict.max-batch), to the model by id: counted under no deployment
        Http.Response largest = http.postJson("/api/v1/models/" + model + "/predict", "{\"texts\": "
                + quoted(java.util.Collections.nCopies(256, "a good film")) + "}");
        assertThat(largest.status()).as(largest.body()).isEqualTo(200);
        flush.flush();

        JsonNode busy = monitoring("/api/v1/deployments/busy/monitoring");
        assertThat(busy.get("status").stringValue()).as("imported models have no reference").isEqualTo("no_reference");
        assertThat(busy.get("detail").stringValue()).contains("no model", "reference");
        long texts = 0;
        long requests = 0;
        for (JsonNode window : busy.get("models")) {
            assertThat(window.get("role").stringValue()).isIn("model", "canary");
            long labelled = 0;
            for (JsonNode bin : figureNamed(window, "label").get("bins")) {
                labelled += bin.get("served").longValue();
            }
            assertThat(labelled).as("every text has a label").isEqualTo(window.get("texts").longValue());
            assertThat(figureNamed(window, "label").has("psi")).as("no reference, no index").isFalse();
            texts += window.get("texts").longValue();
            requests += window.get("requests").longValue();
        }
        assertThat(requests).isEqualTo(160);
        assertThat(texts).isEqualTo(800);
        JsonNode all = monitoring("/api/v1/models/" + model + "/monitoring");
        JsonNode deployed = busy.get("models").get(0);
        assertThat(all.get("models").get(0).get("texts").longValue())
                .as("the model's every deployment and the requests that named it")
                .isEqualTo(deployed.get("texts").longValue() + 256);
    }

    @Test
    void countsFromTwoNodesAddUpAndANodeAddsToItsOwnRows() {
        String model = importModel("tiny-distilbert-sst2");
        Instant minute = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 60 * 60);
        repository.add("node-a", rows(model, minute, 30, 10));
        repository.add("node-b", rows(model, minute, 5, 25));
        repository.add("node-a", rows(model, minute, 1, 0)); // the same rows again: added, not replaced
        JsonNode merged = monitoring("/api/v1/models/" + model + "/monitoring?window=5m");
        JsonNode window = merged.get("models").get(0);
        assertThat(window.get("texts").longValue()).isEqualTo(71);
        assertThat(figureNamed(window, "label").get("bins").toString())
                .contains("\"bin\":\"negative\",\"served\":36", "\"bin\":\"positive\",\"served\":35");
        assertThat(repository.deleteBefore(minute.plusSeconds(60))).as("the retention's delete").isPositive();
        assertThat(monitoring("/api/v1/models/" + model + "/monitoring").get("status").stringValue())
                .isEqualTo("no_traffic");
    }

    @Test
    void badCallsGetAClearAnswer() {
        String model = importModel("tiny-bert-sst2");
        deploy("quiet", model);
        JsonNode quiet = monitoring("/api/v1/deployments/quiet/monitoring");
        assertThat(quiet.get("status").stringValue()).isEqualTo("no_traffic");
        assertThat(quiet.get("detail").stringValue()).contains("Nothing was served through deployment 'quiet'",
                "\"deployment\"");
        assertThat(quiet.get("models").get(0).get("status").stringValue()).isEqualTo("no_traffic");

        Http.Response unknown = http.get("/api/v1/deployments/nowhere/monitoring");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).contains("application/problem+json");
        assertThat(unknown.body()).contains("nowhere");
        assertThat(http.get("/api/v1/models/00000000-0000-0000-0000-000000000000/monitoring").status()).isEqualTo(404);
        for (String window : List.of("soon", "PT0S", "-PT1H", "PT48H", "30s")) {
            Http.Response bad = http.get("/api/v1/deployments/quiet/monitoring?window=" + window);
            assertThat(bad.status()).as(window).isEqualTo(400);
            assertThat(bad.json().get("detail").stringValue()).as(window).contains("window");
        }
        assertThat(monitoring("/api/v1/deployments/quiet/monitoring?window=24h").get("window").stringValue())
                .isEqualTo("PT24H");
    }

    private static List<TrafficCounters.CountRow> rows(String model, Instant minute, long negative, long positive) {
        return List.of(new TrafficCounters.CountRow("", model, minute, "label", "negative", negative),
                new TrafficCounters.CountRow("", model, minute, "label", "positive", positive),
                new TrafficCounters.CountRow("", model, minute, "traffic", "texts", negative + positive));
    }

    private static JsonNode figureNamed(JsonNode window, String name) {
        for (JsonNode figure : window.get("figures")) {
            if (figure.get("figure").stringValue().equals(name)) {
                return figure;
            }
        }
        throw new AssertionError("no figure " + name + " in " + window);
    }

    private JsonNode monitoring(String path) {
        Http.Response response = http.get(path);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private void predictAll(String deployment, List<String> texts) {
        for (int from = 0; from < texts.size(); from += 8) {
            Http.Response answer = http.postJson("/predict", body(deployment,
                    texts.subList(from, Math.min(texts.size(), from + 8))));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        }
    }

    private static String body(String deployment, List<String> texts) {
        return "{\"deployment\": \"%s\", \"texts\": %s}".formatted(deployment, quoted(texts));
    }

    private static String quoted(List<String> texts) {
        return texts.stream().map(t -> "\"" + t + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    /** Balanced sentiment texts (half positive). */
    private static List<String> texts(int count, long seed) {
        return Arrays.stream(TrainingData.csv(count, seed).split("\n")).skip(1)
                .map(line -> line.substring(0, line.lastIndexOf(','))).toList();
    }

    private void deploy(String name, String model) {
        Http.Response created = http.postJson("/api/v1/deployments", "{\"name\": \"%s\", \"modelId\": \"%s\"}"
                .formatted(name, model));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    private String importModel(String name) {
        Http.Response response = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"name\": \"%s\"}".formatted(Golden.dir(name), name));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }

    /** The drift events published, in order. */
    @TestConfiguration
    static class Events {

        final List<DriftStatusChanged> changes = new CopyOnWriteArrayList<>();

        @Bean
        Object driftListener() {
            return new Object() {
                @EventListener
                void on(DriftStatusChanged change) {
                    changes.add(change);
                }
            };
        }
    }
}
