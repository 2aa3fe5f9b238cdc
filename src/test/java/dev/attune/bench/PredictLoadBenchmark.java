package dev.attune.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.attune.modeling.ClassifierModel;

/**
 * Load on a running attune over loopback: requests/s and p50/p99 latency at several client counts
 * (one text per request, SST-2 dev sentences), beside the same model's in-process throughput and a
 * bare single-text forward; then a soak at the highest concurrency with the service's RSS. Run with
 * bench/predict-load.sh. Arguments: baseUrl modelDir servicePid seconds soakSeconds.
 */
public final class PredictLoadBenchmark {

    public static void main(String[] args) throws Exception {
        String url = args[0] + "/predict";
        Path modelDir = Path.of(args[1]);
        long pid = Long.parseLong(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int soakSeconds = Integer.parseInt(args[4]);
        List<String> texts = BenchInputs.read(Path.of(System.getProperty("texts", "../shared/datasets/sst2_dev.csv")), "label")
                .stream().map(r -> r.text()).toList();

        double inProcess;
        double bareP99;
        double bareP50;
        try (ClassifierModel model = ClassifierModel.load(modelDir, ai.djl.engine.Engine.getInstance().defaultDevice())) {
            for (int i = 0; i < 5; i++) {
                model.outputs(texts.subList(0, 32), model.textEncoder().defaultMaxLength());
            }
            int done = 0;
            long start = System.nanoTime();
            while (System.nanoTime() - start < seconds * 1e9) {
                int from = (done * 32) % (texts.size() - 32);
                model.outputs(texts.subList(from, from + 32), model.textEncoder().defaultMaxLength());
                done++;
            }
            inProcess = done * 32 / ((System.nanoTime() - start) / 1e9);
            List<Double> single = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                long s = System.nanoTime();
                model.outputs(List.of(texts.get(i % texts.size())), model.textEncoder().defaultMaxLength());
                single.add((System.nanoTime() - s) / 1e6);
            }
            Collections.sort(single);
            bareP50 = single.get(single.size() / 2);
            bareP99 = single.get((int) (single.size() * 0.99) - 1);
        }
        System.out.printf("| in-process, batches of 32 | %.1f texts/s | bare single-text forward p50 %.2f ms, p99 %.2f ms |%n%n",
                inProcess, bareP50, bareP99);

        System.out.println("| clients | requests/s | p50 ms | p99 ms | errors | vs in-process |");
        System.out.println("|---|---|---|---|---|---|");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        run(client, url, texts, 8, 5); // warm-up
        run(client, url, texts, 1, 5);
        for (int clients : new int[] {1, 8, 32, 64}) {
            Result r = run(client, url, texts, clients, seconds);
            System.out.printf("| %d | %.1f | %.2f | %.2f | %d | %.2fx |%n", clients, r.rate, r.p50, r.p99, r.errors,
                    r.rate / inProcess);
        }
        long rssWarm = rssKb(pid);
        List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        Thread sampler = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(10_000);
                    samples.add(rssKb(pid) / 1024);
                }
            } catch (InterruptedException | java.io.IOException e) {
                // done
            }
        });
        sampler.start();
        Result soak = run(client, url, texts, 64, soakSeconds);
        sampler.interrupt();
        long rssEnd = rssKb(pid);
        System.out.println("RSS every 10 s during the soak, MiB: " + samples);
        System.out.printf("%n| soak: 64 clients, %d s | %d requests | %d errors | RSS after warm-up %d MiB | at end %d MiB (%+.1f%%) |%n",
                soakSeconds, soak.count, soak.errors, rssWarm / 1024, rssEnd / 1024, 100.0 * (rssEnd - rssWarm) / rssWarm);
    }

    private record Result(double rate, double p50, double p99, int errors, int count) {
    }

    private static Result run(HttpClient client, String url, List<String> texts, int clients, int seconds)
            throws InterruptedException {
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int offset = c * 13;
            pool.submit(() -> {
                for (int i = offset; System.nanoTime() < end; i++) {
                    String text = texts.get(i % texts.size()).replace("\\", "\\\\").replace("\"", "\\\"");
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"" + text + "\"}")).build();
                    long s = System.nanoTime();
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200) {
                            latencies.add((System.nanoTime() - s) / 1e6);
                        } else {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        double p50 = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
        double p99 = sorted.isEmpty() ? 0 : sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * 0.99) - 1));
        return new Result(sorted.size() / elapsed, p50, p99, errors.get(), sorted.size());
    }

    private static long rssKb(long pid) throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0);
    }
}
