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

    Process service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.destroyForcibly();
        }
    }

    @Test
    void killDashNineLosesNothingAndTheRunningJobIsRequeued() throws Exception {
        int port = freePort();
        service = start(port);
        Http http = new Http(port);
        String datasetId = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(80, 5).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();
        String finished = http.postJson("/api/v1/jobs", job(datasetId, 2)).json().get("id").stringValue();
        JsonNode finishedJob = await(http, finished, "SUCCEEDED");
        String modelId = finishedJob.get("modelId").stringValue();
        String interrupted = http.postJson("/api/v1/jobs", job(datasetId, 500)).json().get("id").stringValue();
        await(http, interrupted, "RUNNING");
        awaitMetrics(http, interrupted);

        service.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no flush
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
        await(http, interrupted, "RUNNING");
        assertThat(http.get("/api/v1/jobs/" + interrupted).json().get("attempts").intValue()).isEqualTo(2);
        awaitLog(http, interrupted, "resumed from step");
        http.postJson("/api/v1/jobs/" + interrupted + "/cancel", "");
        await(http, interrupted, "CANCELLED");
        try (var entries = Files.list(dataDir.resolve("datasets"))) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(".tmp-"));
        }
    }

    private Process start(int port) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dataDir.resolve("service-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(List.of(java, "-Xmx1g", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), "dev.attune.AttuneApplication", "--server.port=" + port,
                "--attune.data-dir=" + dataDir, "--attune.models.import-roots=" + Golden.dir("tiny-bert").getParent(),
                "--attune.jobs.progress-interval=0s"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Http http = new Http(port);
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("service exited: " + Files.readString(log));
            }
            try {
                if (http.get("/actuator/health").status() == 200) {
                    return process;
                }
            } catch (RuntimeException notYet) {
                // connection refused while starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("service did not start: " + Files.readString(log));
    }

    private static String job(String datasetId, int epochs) {
        return """
                {"datasetId": "%s", "baseModel": "%s", "epochs": %d, "learningRate": 0.003, "batchSize": 8,
                 "maxLength": 32, "validationSplit": 0.25}""".formatted(datasetId, Golden.dir("tiny-bert"), epochs);
    }

    private static JsonNode await(Http http, String id, String status) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        JsonNode job = null;
        while (System.currentTimeMillis() < deadline) {
            job = http.get("/api/v1/jobs/" + id).json();
            if (job.get("status").stringValue().equals(status)) {
                return job;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not become " + status + ": " + job);
    }

    /** Two evaluations recorded: the resume point of the first one is then surely on disk. */
    private static void awaitMetrics(Http http, String id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && http.get("/api/v1/jobs/" + id + "/metrics").json().size() < 2) {
            Thread.sleep(50);
        }
    }

    private static void awaitLog(Http http, String id, String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (http.get("/api/v1/jobs/" + id + "/log").body().contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job log never said '" + text + "': " + http.get("/api/v1/jobs/" + id + "/log").body());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

}
