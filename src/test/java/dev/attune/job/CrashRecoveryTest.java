package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.ServiceProcess;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The service as a real process, killed with SIGKILL in the middle of a job and started again on the
 * same data directory: data sets, models and recorded metrics survive; the interrupted job is re-queued.
 */
class CrashRecoveryTest {

    @TempDir
    Path dataDir;

    ServiceProcess service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.kill();
        }
    }

    @Test
    void killDashNineLosesNothingAndTheRunningJobIsRequeued() throws Exception {
        int port = ServiceProcess.freePort();
        service = start(port);
        Http http = new Http(port);
        String datasetId = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(80, 5).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();
        String finished = http.postJson("/api/v1/jobs", job(datasetId, 2)).json().get("id").stringValue();
        JsonNode finishedJob = JobPolling.awaitStatus(http, finished, "SUCCEEDED");
        String modelId = finishedJob.get("modelId").stringValue();
        String interrupted = http.postJson("/api/v1/jobs", job(datasetId, 500)).json().get("id").stringValue();
        JobPolling.awaitStatus(http, interrupted, "RUNNING");
        JobPolling.awaitMetrics(http, interrupted, 2);

        service.kill(); // SIGKILL: no shutdown hooks, no flush
        service = start(port);

        JsonNode dataset = http.get("/api/v1/datasets/" + datasetId).json();
        assertThat(dataset.get("rowCount").intValue()).isEqualTo(80);
        assertThat(http.get("/api/v1/datasets/" + datasetId + "/rows?limit=80").json().get("rows")).hasSize(80);
        assertThat(http.get("/api/v1/models/" + modelId).status()).isEqualTo(200);
        assertThat(http.get("/api/v1/jobs/" + finished + "/metrics").json()).hasSize(2);
        assertThat(http.get("/api/v1/jobs/" + interrupted + "/metrics").json().get(0).get("attempt").intValue()).isEqualTo(1);

        JsonNode requeued = http.get("/api/v1/jobs/" + interrupted).json();
        assertThat(requeued.get("status").stringValue()).isIn("QUEUED", "RUNNING");
        assertThat(http.get("/api/v1/jobs/" + interrupted + "/log").body()).contains("re-queued");
        JobPolling.awaitStatus(http, interrupted, "RUNNING");
        assertThat(http.get("/api/v1/jobs/" + interrupted).json().get("attempts").intValue()).isEqualTo(2);
        JobPolling.awaitLog(http, interrupted, "resumed from step");
        http.postJson("/api/v1/jobs/" + interrupted + "/cancel", "");
        JobPolling.awaitStatus(http, interrupted, "CANCELLED");
        try (var entries = Files.list(dataDir.resolve("datasets"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(".tmp-"));
        }
    }

    /**
     * Issue 26: graceful stops hand the job back without using up an attempt (three SIGTERM restarts and one
     * kill -9 used to fail it as "interrupted 4 times"), a resumed job keeps its best metrics, and an ended
     * job's work files (base copy, best weights, resume point) are removed.
     */
    @Test
    void gracefulRestartsUseNoAttemptsAndAResumedJobKeepsItsBestMetrics() throws Exception {
        int port = ServiceProcess.freePort();
        service = start(port);
        Http http = new Http(port);
        String datasetId = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(80, 5).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();
        String id = http.postJson("/api/v1/jobs", job(datasetId, 120)).json().get("id").stringValue();
        JobPolling.awaitStatus(http, id, "RUNNING");
        JobPolling.awaitMetrics(http, id, 2);
        for (int restart = 1; restart <= 3; restart++) {
            service.stop(); // SIGTERM: the job goes back to the queue with its resume point
            service = start(port);
            JobPolling.awaitStatus(http, id, "RUNNING");
            assertThat(http.get("/api/v1/jobs/" + id).json().get("attempts").intValue()).isEqualTo(1);
            JobPolling.awaitMetrics(http, id, 2 + restart);
        }
        service.kill(); // a crash: this one counts
        service = start(port);
        JsonNode done = JobPolling.awaitStatus(http, id, "SUCCEEDED");
        assertThat(done.get("attempts").intValue()).isEqualTo(2);
        assertThat(done.get("bestMetrics").isNull()).as(done.toString()).isFalse();
        assertThat(done.get("bestMetrics").get("step").longValue()).isPositive();
        assertThat(http.get("/api/v1/jobs/" + id + "/log").body()).contains("stopped by shutdown").contains("resumed from step");
        Path run = dataDir.resolve("jobs").resolve(id);
        // removed right after the status is written (a loaded machine can take a moment between the two)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String workFolder : new String[] {"base", "best", "resume"}) {
                assertThat(run.resolve(workFolder)).doesNotExist();
            }
        });
    }

    private ServiceProcess start(int port) {
        return ServiceProcess.launch(dataDir, port, List.of("--attune.data-dir=" + dataDir,
                "--attune.models.import-roots=" + Golden.dir("tiny-bert").getParent(),
                "--attune.jobs.progress-interval=0s")).awaitHealthy();
    }

    private static String job(String datasetId, int epochs) {
        return """
                {"datasetId": "%s", "baseModel": "%s", "epochs": %d, "learningRate": 0.003, "batchSize": 8,
                 "maxLength": 32, "validationSplit": 0.25}""".formatted(datasetId, Golden.dir("tiny-bert"), epochs);
    }
}
