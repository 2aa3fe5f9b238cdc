package dev.attune.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.attune.files.FileTrees;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.JobPolling;
import dev.attune.support.Postgres;
import dev.attune.support.ServiceProcess;
import dev.attune.support.TrainingData;
import tools.jackson.databind.JsonNode;

/**
 * The cluster's figures (issue 10) with real processes on one embedded PostgreSQL and a shared data dir:
 * submit-to-RUNNING latency on an idle worker of another node, jobs/hour for tiny-model jobs with one and
 * with two worker nodes, and the failover time after kill -9. Prints markdown rows.
 * Keys: jobs=8, epochs=6, lease=10 (seconds), samples=5 (latency measurements), workerThreads (libtorch threads
 * per worker node, OMP_NUM_THREADS; default libtorch's: one per core).
 */
public final class ClusterBenchmark {

    private final Path sharedDir;
    private final String database;
    private final int lease;
    private final Map<String, String> workerEnvironment;
    private final List<ServiceProcess> nodes = new ArrayList<>();

    private ClusterBenchmark(Path sharedDir, int lease, String workerThreads) {
        this.sharedDir = sharedDir;
        this.database = Postgres.newDatabase();
        this.lease = lease;
        this.workerEnvironment = workerThreads == null ? Map.of() : Map.of("OMP_NUM_THREADS", workerThreads);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> arguments = BenchInputs.arguments(args);
        int jobs = Integer.parseInt(arguments.getOrDefault("jobs", "8"));
        int epochs = Integer.parseInt(arguments.getOrDefault("epochs", "6"));
        int lease = Integer.parseInt(arguments.getOrDefault("lease", "10"));
        int samples = Integer.parseInt(arguments.getOrDefault("samples", "5"));
        Path shared = Files.createTempDirectory("attune-cluster-bench");
        ClusterBenchmark bench = new ClusterBenchmark(shared, lease, arguments.get("workerThreads"));
        try {
            bench.run(jobs, epochs, samples);
        } finally {
            bench.nodes.forEach(ServiceProcess::kill);
            FileTrees.deleteQuietly(shared);
        }
        System.exit(0); // the embedded PostgreSQL stops in a shutdown hook
    }

    private void run(int jobs, int epochs, int samples) {
        ServiceProcess api = start("api", "api,serving");
        ServiceProcess worker1 = start("worker-1", "worker");
        Http http = api.http();
        String datasetId = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(80, 5).getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();

        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            long submitted = System.nanoTime();
            String id = submit(http, datasetId, 1);
            JobPolling.awaitJob(http, id, job -> !"QUEUED".equals(job.get("status").stringValue()), "leave QUEUED");
            latencies.add((System.nanoTime() - submitted) / 1e6);
            JobPolling.awaitStatus(http, id, "SUCCEEDED");
        }
        latencies.sort(Double::compare);
        row("submit → RUNNING, API node → idle worker node (" + samples + " jobs)",
                "median %.0f ms, max %.0f ms".formatted(latencies.get(latencies.size() / 2), latencies.get(latencies.size() - 1)),
                "poll-interval 500 ms; the API node's own workers would be woken at once");

        String threads = workerEnvironment.getOrDefault("OMP_NUM_THREADS", "default");
        Batch one = batch(http, datasetId, jobs, epochs);
        row(jobs + " tiny-bert jobs (" + epochs + " epochs), 1 worker node", "%.0f jobs/hour (%.0f s)"
                .formatted(one.jobsPerHour(), one.seconds()), "libtorch threads per node: " + threads);
        ServiceProcess worker2 = start("worker-2", "worker");
        batch(http, datasetId, 4, 1); // warm-up: the new node's first jobs load classes and compile kernels
        Batch two = batch(http, datasetId, jobs, epochs);
        row(jobs + " tiny-bert jobs (" + epochs + " epochs), 2 worker nodes", "%.0f jobs/hour (%.0f s), %.2fx"
                .formatted(two.jobsPerHour(), two.seconds(), two.jobsPerHour() / one.jobsPerHour()),
                "both busy at once: " + two.overlapped() + "; nodes " + two.nodes() + "; libtorch threads per node: " + threads);

        String longJob = submit(http, datasetId, 400);
        JobPolling.awaitStatus(http, longJob, "RUNNING");
        JobPolling.awaitMetrics(http, longJob, 2);
        String victimName = http.get("/api/v1/jobs/" + longJob).json().get("node").stringValue();
        ServiceProcess victim = victimName.equals("worker-1") ? worker1 : worker2;
        long killedAt = System.nanoTime();
        victim.kill();
        JobPolling.awaitJob(http, longJob, job -> "RUNNING".equals(job.get("status").stringValue())
                && !victimName.equals(job.get("node").stringValue()), "move to the other worker");
        double failover = (System.nanoTime() - killedAt) / 1e9;
        JobPolling.awaitLog(http, longJob, "resumed from step");
        row("failover after kill -9 of " + victimName, "%.1f s".formatted(failover),
                "lease %d s: goal ≤ lease + 5 s; resumed from its resume point".formatted(lease));
        http.postJson("/api/v1/jobs/" + longJob + "/cancel", "");
        JobPolling.awaitStatus(http, longJob, "CANCELLED");

        // two workers in one process (attune.jobs.devices=cpu,cpu) instead of two processes
        nodes.stream().filter(node -> node != api).forEach(ServiceProcess::kill);
        start("duo", "worker", "--attune.jobs.devices=cpu,cpu");
        batch(http, datasetId, 4, 1);
        Batch duo = batch(http, datasetId, jobs, epochs);
        row(jobs + " tiny-bert jobs (" + epochs + " epochs), 1 node with 2 CPU workers", "%.0f jobs/hour (%.0f s), %.2fx"
                .formatted(duo.jobsPerHour(), duo.seconds(), duo.jobsPerHour() / one.jobsPerHour()),
                "both busy at once: " + duo.overlappedInProcess() + "; libtorch threads: " + threads);
    }

    /**
     * @param overlapped a job on one node ran while a job on another ran
     * @param overlappedInProcess two jobs ran at the same time (any nodes)
     */
    private record Batch(double seconds, int jobs, boolean overlapped, boolean overlappedInProcess, List<String> nodes) {

        double jobsPerHour() {
            return jobs * 3600 / seconds;
        }
    }

    private Batch batch(Http http, String datasetId, int jobs, int epochs) {
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            ids.add(submit(http, datasetId, epochs));
        }
        List<JsonNode> done = ids.stream().map(id -> JobPolling.awaitStatus(http, id, "SUCCEEDED")).toList();
        double seconds = (System.nanoTime() - start) / 1e9;
        boolean overlapped = false;
        boolean any = false;
        for (JsonNode x : done) {
            for (JsonNode y : done) {
                boolean both = x != y
                        && Instant.parse(x.get("startedAt").stringValue()).isBefore(Instant.parse(y.get("finishedAt").stringValue()))
                        && Instant.parse(y.get("startedAt").stringValue()).isBefore(Instant.parse(x.get("finishedAt").stringValue()));
                any |= both;
                overlapped |= both && !x.get("node").equals(y.get("node"));
            }
        }
        return new Batch(seconds, jobs, overlapped, any,
                done.stream().map(j -> j.get("node").stringValue()).distinct().sorted().toList());
    }

    private static String submit(Http http, String datasetId, int epochs) {
        return http.postJson("/api/v1/jobs", """
                {"datasetId": "%s", "baseModel": "%s", "epochs": %d, "learningRate": 0.003, "batchSize": 8,
                 "maxLength": 32, "validationSplit": 0.25}""".formatted(datasetId, Golden.dir("tiny-bert"), epochs))
                .json().get("id").stringValue();
    }

    private ServiceProcess start(String name, String roles, String... more) {
        List<String> arguments = new ArrayList<>(List.of("--attune.data-dir=" + sharedDir,
                "--spring.datasource.url=" + database, "--spring.datasource.username=postgres",
                "--spring.datasource.password=", "--attune.node.name=" + name, "--attune.node.roles=" + roles,
                "--attune.jobs.lease-time=" + lease + "s",
                "--attune.models.import-roots=" + Golden.dir("tiny-bert").getParent()));
        arguments.addAll(List.of(more));
        ServiceProcess node = ServiceProcess.start(sharedDir, arguments,
                roles.contains("worker") ? workerEnvironment : Map.of());
        nodes.add(node);
        return node;
    }

    private static void row(String what, String figure, String note) {
        System.out.println("| " + what + " | " + figure + " | " + note + " |");
    }
}
