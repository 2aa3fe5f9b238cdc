package dev.attune.serving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

import dev.attune.modeling.TextClassifier;
import dev.attune.modeling.TextEncoder;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Collects tokenized texts from concurrent requests into micro-batches (up to {@code batchSize} texts, the
 * first waiting at most {@code maxWait}), runs each through {@link TextClassifier#outputs(List)} (texts of
 * similar length together, each group padded to its own longest) and hands every request its own rows back.
 * One daemon thread per loaded model.
 */
final class MicroBatcher implements AutoCloseable {

    /** One text: its windows (one unless a long text is read in windows) and where its answer goes. */
    private record Pending(List<TextEncoder.Tokens> windows, CompletableFuture<Prediction> result) {
    }

    private final TextClassifier model;
    private final int batchSize;
    private final long maxWaitNanos;
    private final IntConsumer batchSizes;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Texts announced by requests and not answered yet: when all are in the batch, waiting is pointless. */
    private final AtomicInteger unanswered = new AtomicInteger();
    private final Thread worker;
    /** Held while a batch runs, by the batcher thread or by a request running alone: one batch at a time. */
    private final ReentrantLock running = new ReentrantLock();
    private volatile boolean open = true;

    MicroBatcher(TextClassifier model, int batchSize, Duration maxWait, IntConsumer batchSizes, String name) {
        this.model = model;
        this.batchSize = batchSize;
        this.maxWaitNanos = maxWait.toNanos();
        this.batchSizes = batchSizes;
        this.worker = new Thread(this::loop, "attune-predict-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    /** A request announces its texts before submitting them, so the batcher knows whether to wait for them. */
    void expect(int texts) {
        unanswered.addAndGet(texts);
    }

    /** Submits a text tokenized by the caller (tokenization runs on request threads, off the model's thread). */
    CompletableFuture<Prediction> submit(List<TextEncoder.Tokens> windows) {
        CompletableFuture<Prediction> result = new CompletableFuture<>();
        if (!open) {
            result.completeExceptionally(new IllegalStateException("model unloaded"));
            return result;
        }
        queue.add(new Pending(windows, result));
        return result;
    }

    /**
     * When no other text is queued, announced or running, the calling request runs its own texts on its own
     * thread: an idle service answers without two thread hand-offs. Null when it must queue instead.
     */
    List<Prediction> runAloneIfIdle(List<List<TextEncoder.Tokens>> texts) {
        if (!open || !queue.isEmpty() || unanswered.get() > 0 || !running.tryLock()) {
            return null;
        }
        try {
            return predictions(texts);
        } finally {
            running.unlock();
        }
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (open) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < batchSize) {
                    if (queue.isEmpty() && unanswered.get() <= batch.size()) {
                        break; // every announced text is in this batch: nobody else is coming
                    }
                    long left = deadline - System.nanoTime();
                    Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                running.lock();
                try {
                    run(batch);
                } finally {
                    running.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                batch.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                unanswered.addAndGet(-batch.size());
                batch.clear();
            }
        }
    }

    private void run(List<Pending> batch) {
        List<Prediction> predictions = predictions(batch.stream().map(Pending::windows).toList());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(predictions.get(i));
        }
    }

    /** One batch through the model (length-grouped: each group padded to its own longest text), in order. */
    private List<Prediction> predictions(List<List<TextEncoder.Tokens>> texts) {
        batchSizes.accept(texts.size());
        boolean windowed = texts.stream().anyMatch(windows -> windows.size() > 1);
        float[][] outputs = windowed ? model.outputsOfWindows(texts)
                : model.outputs(texts.stream().map(windows -> windows.get(0)).toList());
        List<Prediction> predictions = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            List<TextEncoder.Tokens> windows = texts.get(i);
            predictions.add(Predictions.of(model, outputs[i], windows.stream().anyMatch(TextEncoder.Tokens::truncated),
                    windows.size() > 1 ? windows.size() : null));
        }
        return predictions;
    }

    @Override
    public void close() {
        open = false;
        worker.interrupt();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.forEach(p -> p.result().completeExceptionally(new IllegalStateException("model unloaded")));
    }
}
