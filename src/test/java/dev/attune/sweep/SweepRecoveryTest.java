package dev.attune.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.ServiceProcess;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A sweep's trial killed with SIGKILL mid-run and resumed after the restart keeps its rungs (issue 31): its n-th
 * evaluation is rung n whichever attempt made it, and each rung holds that evaluation's score.
 */
class SweepRecoveryTest {

    @TempDir
    Path dataDir;

    private ServiceProcess service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.kill();
        }
    }

    @Test
    void aResumedTrialKeepsItsRungs() throws Exception {
        int port = ServiceProcess.freePort();
        service = start(port);
        Http http = new Http(port);
        String datasetId = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(80, 5).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();
        JsonNode created = http.postJson("/api/v1/sweeps", """
                {"base": {"datasetId": "%s", "baseModel": "%s", "epochs": 300, "batchSize": 8, "maxLength": 32,
                          "validationSplit": 0.25},
                 "grid": {"learningRate": [0.003]}}""".formatted(datasetId, Golden.dir("tiny-bert"))).json();
        String sweepId = created.get("id").stringValue();
        String jobId = created.get("trials").get(0).get("jobId").stringValue();
        JobPolling.awaitMetrics(http, jobId, 3);

        service.kill();
        service = start(port);
        JobPolling.awaitJob(http, jobId, job -> job.get("attempts").intValue() == 2, "resume");
        // six evaluated steps (a resumed attempt evaluates again the steps after its resume point: count steps, not rows)
        poll(() -> {
            JsonNode points = http.get("/api/v1/jobs/" + jobId + "/metrics").json();
            long steps = java.util.stream.StreamSupport.stream(points.spliterator(), false)
                    .map(point -> point.get("step").longValue()).distinct().count();
            return steps >= 6 ? points : null;
        }, "six evaluated steps");
        http.postJson("/api/v1/sweeps/" + sweepId + "/cancel", "");
        JobPolling.awaitStatus(http, jobId, "CANCELLED");
        service.stop();
        service = null;

        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("db/attune"), "sa", "")) {
            // the job's evaluations by step (a step evaluated again by a later attempt: the later one's score)
            TreeMap<Long, Double> byStep = new TreeMap<>();
            JsonMapper json = JsonMapper.builder().build();
            for (List<String> row : rows(db, "SELECT step, metrics FROM job_metric WHERE job_id = ? ORDER BY attempt",
                    jobId)) {
                byStep.put(Long.parseLong(row.get(0)), json.readTree(row.get(1)).get("accuracy").doubleValue());
            }
            List<Double> rungs = new ArrayList<>();
            List<Integer> numbers = new ArrayList<>();
            for (List<String> row : rows(db, "SELECT rung, score FROM sweep_rung WHERE job_id = ? ORDER BY rung", jobId)) {
                numbers.add(Integer.parseInt(row.get(0)));
                rungs.add(Double.parseDouble(row.get(1)));
            }
            assertThat(byStep).as("evaluations of both attempts").hasSizeGreaterThanOrEqualTo(6);
            assertThat(numbers).as("rung n is the n-th evaluation").isEqualTo(
                    java.util.stream.IntStream.rangeClosed(1, byStep.size()).boxed().toList());
            assertThat(rungs).isEqualTo(new ArrayList<>(byStep.values()));
        }
    }

    /**
     * A node that dies between ending a sweep and making its deployment (a window of one statement) leaves the
     * deployment pending; every node's reconciler makes it. Replayed by writing the database as such a node leaves it.
     */
    @Test
    void aDeploymentLostToACrashAfterTheSweepEndedIsMadeByTheReconciler() throws Exception {
        int port = ServiceProcess.freePort();
        service = start(port);
        Http http = new Http(port);
        String datasetId = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(40, 5).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();
        JsonNode created = http.postJson("/api/v1/sweeps", """
                {"base": {"datasetId": "%s", "baseModel": "%s", "epochs": 1, "batchSize": 8, "maxLength": 32,
                          "validationSplit": 0.25},
                 "grid": {"learningRate": [0.003]}, "deploy": "after-crash"}""".formatted(datasetId,
                Golden.dir("tiny-bert"))).json();
        String sweepId = created.get("id").stringValue();
        JobPolling.awaitStatus(http, created.get("trials").get(0).get("jobId").stringValue(), "SUCCEEDED");
        JsonNode ended = poll(() -> {
            JsonNode sweep = http.get("/api/v1/sweeps/" + sweepId).json();
            return sweep.get("status").stringValue().equals("RUNNING") ? null : sweep;
        }, "the sweep to end");
        assertThat(ended.get("status").stringValue()).isEqualTo("SUCCEEDED");
        String modelId = ended.get("modelId").stringValue();
        service.stop();
        service = null;
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("db/attune"), "sa", "")) {
            db.createStatement().executeUpdate("DELETE FROM deployment WHERE name = 'after-crash'");
            // as the node that ended it left it: the deployment owed, its claim lapsed with the node
            db.createStatement().executeUpdate("UPDATE sweep SET deploy_pending = TRUE, deploy_claimed_until = "
                    + "CURRENT_TIMESTAMP - INTERVAL '1' MINUTE WHERE id = '" + sweepId + "'");
        }

        service = start(port);
        JsonNode deployment = poll(() -> {
            Http.Response response = http.get("/api/v1/deployments/after-crash");
            return response.status() == 200 ? response.json() : null;
        }, "the reconciler to make the pending deployment");
        assertThat(deployment.get("modelId").stringValue()).isEqualTo(modelId);
        JsonNode sweep = http.get("/api/v1/sweeps/" + sweepId).json();
        assertThat(sweep.path("deployError").isNull() || sweep.path("deployError").isMissingNode())
                .as("no deployError: %s", sweep).isTrue();
        service.stop();
        service = null;
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("db/attune"), "sa", "");
                ResultSet rs = db.createStatement().executeQuery(
                        "SELECT deploy_pending FROM sweep WHERE id = '" + sweepId + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).as("made once: no longer pending").isFalse();
        }
    }

    private static JsonNode poll(java.util.function.Supplier<JsonNode> found, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode value = found.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("waited 120 s for " + what);
    }

    private static List<List<String>> rows(Connection db, String sql, String param) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (var statement = db.prepareStatement(sql)) {
            statement.setString(1, param);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.add(List.of(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return rows;
    }

    private ServiceProcess start(int port) {
        return ServiceProcess.launch(dataDir, port, List.of("--attune.data-dir=" + dataDir,
                "--attune.models.import-roots=" + Golden.dir("tiny-bert").getParent(),
                "--attune.jobs.progress-interval=0s", "--attune.jobs.sweep-reconcile-interval=1s")).awaitHealthy();
    }
}
