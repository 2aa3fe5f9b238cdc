package dev.attune.serving;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import dev.attune.modeling.ClassifierModel;

/**
 * A loaded model serving predictions, reference-counted so that a swap never closes it under a
 * request: the owner holds one reference, each request another; the last release closes it.
 */
final class Predictor {

    private final String modelId;
    private final ClassifierModel model;
    private final MicroBatcher batcher;
    private final AtomicInteger references = new AtomicInteger(1);

    Predictor(String modelId, ClassifierModel model, int batchSize, Duration maxWait, IntConsumer batchSizes) {
        this.modelId = modelId;
        this.model = model;
        this.batcher = new MicroBatcher(model, batchSize, maxWait, batchSizes, modelId.substring(0, 8));
    }

    String modelId() {
        return modelId;
    }

    int maxLength() {
        return model.textEncoder().defaultMaxLength();
    }

    /** Takes a reference unless the predictor is already closing. */
    boolean tryAcquire() {
        int count;
        do {
            count = references.get();
            if (count <= 0) {
                return false;
            }
        } while (!references.compareAndSet(count, count + 1));
        return true;
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            batcher.close();
            model.close();
        }
    }

    /** Predictions for the texts, in order; waits for their micro-batches. */
    List<Prediction> predict(List<String> texts) {
        batcher.expect(texts.size());
        List<CompletableFuture<Prediction>> futures = texts.stream().map(batcher::submit).toList();
        return futures.stream().map(CompletableFuture::join).toList();
    }
}
