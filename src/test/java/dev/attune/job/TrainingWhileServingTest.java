package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Training while serving is the product's normal state (issue 13): the same short job, run again and
 * again while /predict, SSE and garbage collection run beside it, must succeed every time with
 * exactly the same losses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "attune.jobs.progress-interval=0s")
class TrainingWhileServingTest {

    private static final int RUNS = 3;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void theSameJobGivesTheSameLossesWhilePredictSseAndGcRun() throws Exception {
        Http http = new Http(port);
        String datasetId = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(240, 11).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();
        assertThat(http.postJson("/api/v1/models/import",
                "{\"source\": \"" + Golden.dir("tiny-bert-sst2") + "\"}").status()).isEqualTo(201);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger predictions = new AtomicInteger();
        List<String> predictFailures = new ArrayList<>();
        List<Thread> traffic = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            traffic.add(daemon(() -> {
                while (!stop.get()) {
                    Http.Response r = http.postJson("/predict", "{\"texts\": [\"a gorgeous, witty film\", \"a dull mess\"]}");
                    if (r.status() == 200) {
                        predictions.incrementAndGet();
                    } else if (r.status() != 503) { // 503: the serving model is being swapped in
                        synchronized (predictFailures) {
                            predictFailures.add(r.status() + " " + r.body());
                        }
                    }
                }
            }));
        }
        traffic.add(daemon(() -> {
            while (!stop.get()) {
                System.gc(); // frees any native memory still used after its Java owner was dropped
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }));
        try {
            List<List<Double>> losses = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                String id = http.postJson("/api/v1/jobs", """
                        {"datasetId": "%s", "baseModel": "%s", "epochs": 1, "learningRate": 0.001, "batchSize": 16,
                         "maxLength": 32, "seed": 42, "evalEverySteps": 4, "validationSplit": 0.2}"""
                        .formatted(datasetId, Golden.dir("tiny-bert"))).json().get("id").stringValue();
                JsonNode job = JobPolling.awaitEnd(http, id); // follows its progress; says where it stood if stuck
                assertThat(job.get("status").stringValue()).as("run %d: %s", run, job).isEqualTo("SUCCEEDED");
                List<Double> runLosses = new ArrayList<>();
                for (JsonNode point : http.get("/api/v1/jobs/" + id + "/metrics").json()) {
                    runLosses.add(point.get("trainLoss").doubleValue());
                    runLosses.add(point.get("metrics").get("loss").doubleValue());
                }
                losses.add(runLosses);
            }
            assertThat(losses.get(0)).hasSizeGreaterThanOrEqualTo(6).allMatch(Double::isFinite);
            assertThat(losses).as("train and validation losses of every run").allMatch(l -> l.equals(losses.get(0)));
            assertThat(predictions.get()).isGreaterThan(10);
            assertThat(predictFailures).isEmpty();
        } finally {
            stop.set(true);
            for (Thread thread : traffic) {
                thread.join();
            }
        }
    }

    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task, "traffic");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
