package dev.attune.serving;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The models kept loaded besides the serving one. Those a deployment or a canary uses are pinned: they stay loaded
 * whatever else is asked for. The others (asked for by id) are kept within a memory budget, as their weights' size in
 * the precision they serve in (attune.predict.kept-models-memory), the least recently used released first; the model
 * loaded last always stays, so a request that loaded it is answered. Thread-safe.
 */
final class KeptPredictors {

    /**
     * The models a serving node keeps loaded besides the one answering /predict calls that name nothing.
     *
     * @param budgetBytes attune.predict.kept-models-memory: what the unpinned ones may take
     * @param usedBytes what the unpinned ones take (the model loaded last always stays, so this may exceed the budget
     *     by one model)
     * @param models each kept model, least recently used first
     */
    record KeptModels(long budgetBytes, long usedBytes, List<KeptModel> models) {
    }

    /**
     * One model kept loaded.
     *
     * @param modelId the model's id
     * @param engine what runs it: "onnxruntime int8", "libtorch fp32"...
     * @param bytes its weights in the precision it serves in
     * @param pinned a deployment or canary uses it: outside the budget, never released for another
     */
    record KeptModel(String modelId, String engine, long bytes, boolean pinned) {
    }

    private final long budgetBytes;
    private final Map<String, Predictor> byId = new LinkedHashMap<>(); // least recently used first
    private Set<String> pinned = Set.of();

    KeptPredictors(long budgetBytes) {
        this.budgetBytes = budgetBytes;
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

    /** Keeps a freshly loaded model, releasing the least recently used unpinned ones beyond the budget. */
    synchronized void keep(String modelId, Predictor loaded) {
        Predictor previous = byId.remove(modelId);
        byId.put(modelId, loaded);
        if (previous != null) {
            previous.release();
        }
        evict();
    }

    /** The models deployments and canaries use now: pinned from here on; the others fall under the budget again. */
    synchronized void pin(Set<String> modelIds) {
        pinned = Set.copyOf(modelIds);
        evict();
    }

    synchronized boolean isPinned(String modelId) {
        return pinned.contains(modelId);
    }

    private void evict() {
        long used = unpinnedBytes();
        String newest = byId.isEmpty() ? null : List.copyOf(byId.keySet()).get(byId.size() - 1);
        Iterator<Map.Entry<String, Predictor>> eldestFirst = byId.entrySet().iterator();
        while (used > budgetBytes && eldestFirst.hasNext()) {
            Map.Entry<String, Predictor> entry = eldestFirst.next();
            if (!pinned.contains(entry.getKey()) && !entry.getKey().equals(newest)) {
                used -= entry.getValue().weightBytes();
                eldestFirst.remove();
                entry.getValue().release(); // closes once its in-flight requests release it
            }
        }
    }

    private long unpinnedBytes() {
        return byId.entrySet().stream().filter(e -> !pinned.contains(e.getKey()))
                .mapToLong(e -> e.getValue().weightBytes()).sum();
    }

    /** Drops a model that changed (a new serving precision, a deletion): the next request loads it afresh. */
    synchronized void forget(String modelId) {
        Predictor kept = byId.remove(modelId);
        if (kept != null) {
            kept.release();
        }
    }

    /** Drops every kept model that {@code stale} says no longer matches the database; their ids. */
    synchronized List<String> forgetIf(Predicate<Predictor> stale) {
        List<String> dropped = new ArrayList<>();
        byId.values().removeIf(kept -> {
            if (stale.test(kept)) {
                dropped.add(kept.modelId());
                kept.release();
                return true;
            }
            return false;
        });
        return dropped;
    }

    synchronized KeptModels usage() {
        List<KeptModel> models = byId.values().stream().map(p -> new KeptModel(p.modelId(), p.engine(), p.weightBytes(),
                pinned.contains(p.modelId()))).toList();
        return new KeptModels(budgetBytes, unpinnedBytes(), models);
    }

    synchronized void releaseAll() {
        byId.values().forEach(Predictor::release);
        byId.clear();
    }
}
