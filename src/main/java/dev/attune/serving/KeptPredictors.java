package dev.attune.serving;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Models asked for by id (POST /api/v1/models/{id}/predict) that are not the serving one, kept loaded, a few at
 * most: the least recently used is released beyond {@code capacity}. Thread-safe.
 */
final class KeptPredictors {

    private final int capacity;
    private final Map<String, Predictor> byId = new LinkedHashMap<>();

    KeptPredictors(int capacity) {
        this.capacity = capacity;
    }

    /** A reference to a kept model, marked most recently used; null when it is not kept (or closing). */
    synchronized Predictor take(String modelId) {
        Predictor kept = byId.remove(modelId);
        if (kept == null) {
            return null;
        }
        byId.put(modelId, kept); // most recently used last
        return kept.tryAcquire() ? kept : null;
    }

    /** Keeps a freshly loaded model, releasing the least recently used beyond the capacity. */
    synchronized void keep(String modelId, Predictor loaded) {
        Predictor previous = byId.put(modelId, loaded);
        if (previous != null) {
            previous.release();
        }
        while (byId.size() > capacity) {
            String eldest = byId.keySet().iterator().next();
            byId.remove(eldest).release();
        }
    }

    /** Drops a model that changed (a new serving precision, a deletion): the next request loads it afresh. */
    synchronized void forget(String modelId) {
        Predictor kept = byId.remove(modelId);
        if (kept != null) {
            kept.release();
        }
    }

    synchronized void releaseAll() {
        byId.values().forEach(Predictor::release);
        byId.clear();
    }
}
