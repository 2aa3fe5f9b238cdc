package dev.attune.serving;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import dev.attune.modeling.ServingPrecision;
import dev.attune.modeling.TextClassifier;
import dev.attune.errors.InvalidInput;
import dev.attune.modeling.LongText;
import dev.attune.modeling.TextEncoder;
import dev.attune.modeling.WindowRule;

/**
 * A loaded model serving predictions, reference-counted so that a swap never closes it under a
 * request: the owner holds one reference, each request another; the last release closes it.
 */
final class Predictor {

    private final String modelId;
    private final TextClassifier model;
    private final String engineReason;
    /** The model's own serving precision when it was loaded (a change reloads it). */
    private final ServingPrecision ownPrecision;
    private final long weightBytes;
    private final MicroBatcher batcher;
    private final AtomicInteger references = new AtomicInteger(1);
    /** Whether the model classifies sentence pairs (every request must then bring each text's pair). */
    private final boolean textPair;
    private final RequestLimits limits;
    private final int batchSize;

    /** @param engineReason why this engine and precision serve the model (the serving status shows it) */
    Predictor(String modelId, ServingPrecision ownPrecision, boolean textPair, TextClassifier model,
            String engineReason, long weightBytes, RequestLimits limits, int batchSize, Duration maxWait, IntConsumer batchSizes) {
        this.textPair = textPair;
        this.limits = limits;
        this.batchSize = batchSize;
        this.ownPrecision = ownPrecision;
        this.weightBytes = weightBytes;
        this.modelId = modelId;
        this.model = model;
        this.engineReason = engineReason;
        this.batcher = new MicroBatcher(model, batchSize, maxWait, batchSizes, modelId.substring(0, 8));
    }

    String modelId() {
        return modelId;
    }

    /** What runs the model ("onnxruntime int8"...). */
    String engine() {
        return model.engine();
    }

    /** Its weights' size in the precision it serves in (what the kept models' memory budget counts). */
    long weightBytes() {
        return weightBytes;
    }

    ServingPrecision ownPrecision() {
        return ownPrecision;
    }

    String engineReason() {
        return engineReason;
    }

    int maxLength() {
        return model.maxLength();
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

    /**
     * Predictions for the texts (or text pairs), in order; waits for their micro-batches.
     *
     * @param pairs each text's second text for a pair model; null for a single-text model (else a 400 says so)
     */
    List<Prediction> predict(List<String> texts, List<String> pairs, LongText longText) {
        return predict(texts, pairs, longText, null);
    }

    /** As {@link #predict(List, List, LongText)}, counting each text's tokens into {@code counts} (when not null). */
    List<Prediction> predict(List<String> texts, List<String> pairs, LongText longText, TokenCounts counts) {
        if (textPair && pairs == null) {
            throw new InvalidInput("Text pair required", "Model " + modelId + " classifies text pairs: send \"textPair\" "
                    + "beside \"text\", or \"pairs\": [[text, textPair], ...].");
        }
        if (!textPair && pairs != null) {
            throw new InvalidInput("Single texts only", "Model " + modelId + " classifies single texts, not pairs: "
                    + "send \"text\" or \"texts\" without \"textPair\" or \"pairs\".");
        }
        // tokenized on this request's thread; a long text in windows when the model (or the request) says so
        WindowRule rule = longText == null ? model.windowRule() : new WindowRule(longText, model.windowRule().stride());
        List<List<TextEncoder.Tokens>> windows = limits.windows(model.textEncoder(), texts, pairs, maxLength(), rule);
        if (counts != null) {
            counts.count(windows, model.textEncoder().unknownId());
        }
        int windowCount = windows.stream().mapToInt(List::size).sum();
        if (windowCount > batchSize) {
            return batcher.runInChunks(windows); // bounded passes, other requests answered between them
        }
        List<Prediction> alone = batcher.runAloneIfIdle(windows);
        if (alone != null) {
            return alone;
        }
        batcher.expect(texts.size());
        List<CompletableFuture<Prediction>> futures = windows.stream().map(batcher::submit).toList();
        return futures.stream().map(CompletableFuture::join).toList();
    }
}
