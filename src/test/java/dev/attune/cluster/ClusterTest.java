package dev.attune.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.Postgres;
import dev.attune.support.ServiceProcess;
import dev.attune.support.SseRecorder;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two attune nodes as real processes sharing one PostgreSQL and one data directory: both train at once
 * from the one queue, every job runs once; a node killed with SIGKILL mid-job has that job taken over and
 * resumed by the other within the lease time, losing nothing; restarted, the node joins again.
 */
class ClusterTest {

    private static final int LEASE_SECONDS = 3;

    @TempDir
    Path sharedDir;

    private final List<ServiceProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(ServiceProcess::kill);
    }

    @Test
    void twoNodesShareTheQueueAndASurvivorTakesOverAKilledNodesJob() throws Exception {
        String database = Postgres.newDatabase();
        int portA = ServiceProcess.freePort();
        int portB = ServiceProcess.freePort();
        ServiceProcess a = launch("node-a", portA, database);
        ServiceProcess b = launch("node-b", portB, database);
        a.awaitHealthy();
        b.awaitHealthy();
        Http http = a.http();
        String datasetId = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(80, 5).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();

        // four jobs through node a's API: both nodes' workers take them, at the same time, each once
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(http.postJson("/api/v1/jobs", job(datasetId, 6)).json().get("id").stringValue());
        }
        List<JsonNode> done = new ArrayList<>();
        for (String id : ids) {
            done.add(JobPolling.awaitStatus(b.http(), id, "SUCCEEDED")); // any node answers for any job
        }
        assertThat(done).allSatisfy(job -> assertThat(job.get("attempts").intValue()).isEqualTo(1));
        assertThat(done.stream().map(job -> job.get("node").stringValue())).contains("node-a", "node-b");
        assertThat(overlapBetweenNodes(done)).as("a job on node-a and one on node-b ran at the same time").isTrue();
        assertThat(new HashSet<>(done.stream().map(job -> job.get("modelId").stringValue()).toList())).hasSize(4);

        // a deployment changed through node a is served by node b within the refresh interval (default 2 s)
        String modelX = done.get(0).get("modelId").stringValue();
        String modelY = done.get(1).get("modelId").stringValue();
        http.postJson("/api/v1/deployments", "{\"name\": \"web\", \"modelId\": \"%s\"}".formatted(modelX));
        assertThat(answeredBy(b, "web")).isEqualTo(modelX);
        http.putJson("/api/v1/deployments/web", "{\"modelId\": \"%s\"}".formatted(modelY));
        assertThat(secondsUntilAnsweredBy(b, "web", modelY)).as("promotion seen by the other node").isLessThan(4);
        http.postJson("/api/v1/deployments/web/rollback", "");
        double rollback = secondsUntilAnsweredBy(b, "web", modelX);
        System.out.printf("cluster deployment rollback: served by the other node after %.2f s%n", rollback);
        assertThat(rollback).as("rollback seen by the other node").isLessThan(4);

        // a long job; kill -9 the node running it
        String longJob = http.postJson("/api/v1/jobs", job(datasetId, 400)).json().get("id").stringValue();
        JsonNode running = JobPolling.awaitStatus(http, longJob, "RUNNING");
        JobPolling.awaitMetrics(http, longJob, 2);
        boolean onA = "node-a".equals(http.get("/api/v1/jobs/" + longJob).json().get("node").stringValue());
        ServiceProcess victim = onA ? a : b;
        ServiceProcess survivor = onA ? b : a;
        String survivorName = onA ? "node-b" : "node-a";
        long killedAt = System.nanoTime();
        victim.kill();
        nodes.remove(victim);

        JsonNode takenOver = JobPolling.awaitJob(survivor.http(), longJob, job -> "RUNNING".equals(job.get("status")
                .stringValue()) && survivorName.equals(job.get("node").stringValue()), "move to " + survivorName);
        double failoverSeconds = (System.nanoTime() - killedAt) / 1e9;
        System.out.printf("cluster failover: job taken over after %.1f s (lease %d s)%n", failoverSeconds, LEASE_SECONDS);
        assertThat(failoverSeconds).isLessThan(LEASE_SECONDS + 7);
        assertThat(takenOver.get("attempts").intValue()).isEqualTo(2);
        String log = JobPolling.awaitLog(survivor.http(), longJob, "resumed from step");
        assertThat(log).contains("started (attempt 1)", "stopped renewing its lease", "started (attempt 2)");
        assertThat(survivor.http().get("/api/v1/jobs/" + longJob + "/metrics").json().get(0).get("attempt").intValue())
                .isEqualTo(1);
        assertThat(running.get("id").stringValue()).isEqualTo(longJob);

        // the killed node, restarted under its name, joins again and takes work (the survivor is busy)
        ServiceProcess restarted = launch(onA ? "node-a" : "node-b", victim.port(), database).awaitHealthy();
        String victimName = onA ? "node-a" : "node-b";
        JsonNode nodeList = survivor.http().get("/api/v1/nodes").json();
        assertThat(nodeList.findValuesAsString("name")).containsExactlyInAnyOrder("node-a", "node-b");
        nodeList.forEach(node -> assertThat(node.get("alive").booleanValue()).as(node.toString()).isTrue());
        String afterRestart = restarted.http().postJson("/api/v1/jobs", job(datasetId, 20)).json().get("id").stringValue();
        // streamed by the survivor, which does not run it: followed through the database and the job's log
        SseRecorder remote = new SseRecorder("http://localhost:" + survivor.port() + "/api/v1/jobs/" + afterRestart + "/events");
        List<SseRecorder.Event> events = remote.awaitEnd(Duration.ofMinutes(2));
        assertThat(JobPolling.awaitStatus(restarted.http(), afterRestart, "SUCCEEDED").get("node").stringValue())
                .isEqualTo(victimName);
        assertThat(events.stream().map(SseRecorder.Event::name)).contains("progress", "evaluation", "log");
        assertThat(events.get(events.size() - 1).data()).contains("SUCCEEDED");

        // the survivor pauses (SIGSTOP) past its lease: the restarted node takes the job over; woken (SIGCONT),
        // the paused worker finds its lease untrusted and stops without writing: one worker at a time
        signal(survivor, "STOP");
        JsonNode secondTakeOver = JobPolling.awaitJob(restarted.http(), longJob, job -> victimName.equals(
                job.get("node").stringValue()) && "RUNNING".equals(job.get("status").stringValue()), "move back to " + victimName);
        assertThat(secondTakeOver.get("attempts").intValue()).isEqualTo(3);
        JobPolling.awaitLog(restarted.http(), longJob, "started (attempt 3)");
        signal(survivor, "CONT");
        long deadline = System.currentTimeMillis() + 30_000;
        while (!survivor.output().contains("lost its lease") && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(survivor.output()).contains("this worker lost its lease");
        Thread.sleep(2_000);
        JsonNode afterWake = survivor.http().get("/api/v1/jobs/" + longJob).json();
        assertThat(afterWake.get("status").stringValue()).isEqualTo("RUNNING");
        assertThat(afterWake.get("node").stringValue()).isEqualTo(victimName);
        String logAfterWake = survivor.http().get("/api/v1/jobs/" + longJob + "/log").body();
        assertThat(logAfterWake.substring(logAfterWake.indexOf("started (attempt 3)")))
                .doesNotContain("cancelled", "stopped by shutdown", "failed");

        // cancel from the node that does not run it; nothing is left RUNNING; nothing was lost
        assertThat(survivor.http().postJson("/api/v1/jobs/" + longJob + "/cancel", "").status()).isEqualTo(202);
        JobPolling.awaitStatus(survivor.http(), longJob, "CANCELLED");
        assertThat(survivor.http().get("/api/v1/jobs?status=RUNNING").json()).isEmpty();
        assertThat(survivor.http().get("/api/v1/jobs").json()).hasSize(6);
        assertThat(survivor.http().get("/api/v1/datasets/" + datasetId).json().get("rowCount").intValue()).isEqualTo(80);
        Set<String> models = new HashSet<>(survivor.http().get("/api/v1/models").json().findValuesAsString("id"));
        assertThat(models).hasSize(5);
        for (String model : models) {
            assertThat(Files.isDirectory(sharedDir.resolve("models").resolve(model))).isTrue();
        }
    }

    private ServiceProcess launch(String name, int port, String database) {
        ServiceProcess node = ServiceProcess.launch(sharedDir, port, List.of("--attune.data-dir=" + sharedDir,
                "--spring.datasource.url=" + database, "--spring.datasource.username=postgres",
                "--spring.datasource.password=", "--attune.node.name=" + name,
                "--attune.jobs.lease-time=" + LEASE_SECONDS + "s", "--attune.jobs.progress-interval=0s",
                "--attune.models.import-roots=" + Golden.dir("tiny-bert").getParent()));
        nodes.add(node);
        return node;
    }

    private static String answeredBy(ServiceProcess node, String deployment) {
        return node.http().postJson("/predict", "{\"text\": \"a film\", \"deployment\": \"" + deployment + "\"}").json()
                .get("model").stringValue();
    }

    private static double secondsUntilAnsweredBy(ServiceProcess node, String deployment, String modelId)
            throws InterruptedException {
        long start = System.nanoTime();
        while (!answeredBy(node, deployment).equals(modelId) && System.nanoTime() - start < 20_000_000_000L) {
            Thread.sleep(50);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void signal(ServiceProcess node, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(node.pid())).inheritIO().start().waitFor();
    }

    private static String job(String datasetId, int epochs) {
        return """
                {"datasetId": "%s", "baseModel": "%s", "epochs": %d, "learningRate": 0.003, "batchSize": 8,
                 "maxLength": 32, "validationSplit": 0.25}""".formatted(datasetId, Golden.dir("tiny-bert"), epochs);
    }

    private static boolean overlapBetweenNodes(List<JsonNode> jobs) {
        for (JsonNode x : jobs) {
            for (JsonNode y : jobs) {
                if (x.get("node").stringValue().equals("node-a") && y.get("node").stringValue().equals("node-b")
                        && Instant.parse(x.get("startedAt").stringValue()).isBefore(Instant.parse(y.get("finishedAt").stringValue()))
                        && Instant.parse(y.get("startedAt").stringValue()).isBefore(Instant.parse(x.get("finishedAt").stringValue()))) {
                    return true;
                }
            }
        }
        return false;
    }
}
