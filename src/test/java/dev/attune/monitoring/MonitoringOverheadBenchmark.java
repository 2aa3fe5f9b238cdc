package dev.attune.monitoring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.attune.serving.Prediction;
import dev.attune.serving.ServedRequest;

/**
 * What monitoring adds to a request on its thread: {@link TrafficCounters#served} for requests of 1 and 32 texts,
 * on 1 and THREADS threads at once (the same deployment and model: the most contended counters), with a flush
 * draining them every 5 s as in production. Run by bench/monitoring.sh; prints a markdown table.
 */
public final class MonitoringOverheadBenchmark {

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        System.out.println("| texts per request | threads | ns per request (on its thread) | requests/s all threads |");
        System.out.println("|---|---|---|---|");
        for (int texts : new int[] {1, 32}) {
            for (int t : new int[] {1, threads}) {
                run(texts, t, 0.5); // warm-up
                double[] figures = run(texts, t, seconds);
                System.out.printf("| %d | %d | %.0f | %.0f |%n", texts, t, figures[0], figures[1]);
            }
        }
    }

    /** @return ns per request on a thread, requests per second over all threads */
    private static double[] run(int texts, int threads, double seconds) throws InterruptedException {
        TrafficCounters counters = new TrafficCounters();
        List<ServedRequest.ServedText> served = new ArrayList<>();
        for (int i = 0; i < texts; i++) {
            Prediction prediction = new Prediction(i % 2 == 0 ? "negative" : "positive", 0.5 + (i % 50) / 100.0,
                    Map.of(), null, false, null);
            served.add(new ServedRequest.ServedText("a text", null, prediction, 12 + i % 40, i % 7 == 0 ? 1 : 0));
        }
        AtomicLong requests = new AtomicLong();
        AtomicLong busyNanos = new AtomicLong();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                long count = 0;
                long start = System.nanoTime();
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 1000; i++) {
                        counters.served(new ServedRequest("id", "sentiment", "model", Instant.now(), 3_000_000L + i,
                                served, 64));
                    }
                    count += 1000;
                }
                busyNanos.addAndGet(System.nanoTime() - start);
                requests.addAndGet(count);
            });
            worker.start();
            workers.add(worker);
        }
        long drained = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(5000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            drained += counters.drain(Instant.now()).size();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (drained < 0) {
            throw new AssertionError();
        }
        return new double[] {(double) busyNanos.get() / requests.get(), requests.get() / seconds};
    }
}
