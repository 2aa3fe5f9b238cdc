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
    /**
     * Held while a batch runs, by the batcher thread or by a request running alone: one batch at a time. Fair, so
     * that micro-batches of other requests run between the chunks of a long request ({@link #runInChunks}).
     */
    private final ReentrantLock running = new ReentrantLock(true);
    private volatile boolean open = true;
    /** A text taken from the queue that did not fit the batch being filled: it starts the next (batcher thread only). */
    private Pending carried;

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
            return open ? predictions(texts) : null; // closed while it waited: it queues, and hears "unloaded"
        } finally {
            running.unlock();
        }
    }

    /**
     * A request with more windows than one micro-batch holds (long texts read in windows) runs on its own thread,
     * {@code batchSize} windows per forward pass, taking the model between passes as any micro-batch does: the
     * requests queued meanwhile are answered between its chunks instead of after all of it. Each text's logits
     * are the mean of its windows', as {@link TextClassifier#outputsOfWindows} computes them in one pass.
     */
    List<Prediction> runInChunks(List<List<TextEncoder.Tokens>> texts) {
        List<TextEncoder.Tokens> all = texts.stream().flatMap(List::stream).toList();
        float[][] logits = new float[all.size()][];
        for (int from = 0; from < all.size(); from += batchSize) {
            List<TextEncoder.Tokens> chunk = all.subList(from, Math.min(all.size(), from + batchSize));
            if (!open) {
                throw new IllegalStateException("model unloaded");
            }
            running.lock();
            try {
                if (!open) { // closed while it waited for the model
                    throw new IllegalStateException("model unloaded");
                }
                batchSizes.accept(chunk.size());
                float[][] rows = model.logitsOfEach(chunk);
                System.arraycopy(rows, 0, logits, from, rows.length);
            } finally {
                running.unlock();
            }
        }
        return answers(texts, model.outputsOfLogits(TextClassifier.meanOfWindows(texts, logits)));
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (open) {
            try {
                Pending first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
                carried = null;
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int windows = first.windows().size();
                long deadline = System.nanoTime() + maxWaitNanos;
                while (windows < batchSize) {
                    if (queue.isEmpty() && unanswered.get() <= batch.size()) {
                        break; // every announced text is in this batch: nobody else is coming
                    }
                    long left = deadline - System.nanoTime();
                    Pending next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    if (windows + next.windows().size() > batchSize) {
                        carried = next; // a forward pass holds at most batchSize windows: it starts the next batch
                        break;
                    }
                    batch.add(next);
                    windows += next.windows().size();
                }
                running.lock();
                try {
                    run(batch);
                } finally {
                    running.unlock();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(p -> p.result().completeExceptionally(new IllegalStateException("model unloaded")));
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
        if (!open) { // closed while the batch was gathered: the model may be closed next
            throw new IllegalStateException("model unloaded");
        }
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
        return answers(texts, outputs);
    }

    /** Each text's answer from its outputs (probabilities, or a regression's value), in order. */
    private List<Prediction> answers(List<List<TextEncoder.Tokens>> texts, float[][] outputs) {
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
        // a batch still running (the batcher's, or a request's own) ends before the caller closes the model; any
        // thread taking the lock after this sees the batcher closed and runs nothing
        running.lock();
        running.unlock();
        queue.forEach(p -> p.result().completeExceptionally(new IllegalStateException("model unloaded")));
        if (carried != null) {
            carried.result().completeExceptionally(new IllegalStateException("model unloaded"));
        }
    }
}
