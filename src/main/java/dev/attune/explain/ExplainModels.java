package dev.attune.explain;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import ai.djl.Device;
import dev.attune.model.ModelService;
import dev.attune.model.ModelsChangedEvent;
import dev.attune.modeling.ClassifierModel;
import dev.attune.system.AttuneProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The libtorch copies of models that explanations run on: gradients need libtorch whatever engine serves the model
 * (ONNX Runtime has none), so a model is loaded here fp32 on the CPU the first time it is explained and kept, at most
 * attune.predict.explain.kept-models of them, the least recently used closed first (once no explanation uses it), and
 * when the model changes or is deleted. The serving path never touches these copies.
 */
@Component
class ExplainModels implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ExplainModels.class);

    /** A loaded copy: one explanation at a time runs on it; the last release after eviction closes it. */
    static final class Loaded {

        private final ClassifierModel model;
        private final ReentrantLock running = new ReentrantLock(true);
        private final AtomicInteger references = new AtomicInteger(1); // the cache's own

        private Loaded(ClassifierModel model) {
            this.model = model;
        }

        ClassifierModel model() {
            return model;
        }

        /** Holds the model for one explanation (others wait their turn, in order). */
        ReentrantLock running() {
            return running;
        }

        private boolean tryAcquire() {
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
                model.close();
            }
        }
    }

    private final ModelService models;
    private final int capacity;
    private final Map<String, Loaded> byId = new LinkedHashMap<>(); // least recently used first
    private final Map<String, Object> loading = new ConcurrentHashMap<>();
    /** Per model id, how many change events came (guarded by this): a copy loaded across one is not kept. */
    private final Map<String, Long> changes = new java.util.HashMap<>();
    private final AtomicInteger loads = new AtomicInteger();

    ExplainModels(ModelService models, AttuneProperties properties) {
        this.models = models;
        this.capacity = properties.predict().explain().keptModels();
    }

    /** A reference to the model's libtorch copy, loaded on first use; the caller releases it. */
    Loaded acquire(String modelId) {
        Loaded kept = take(modelId);
        if (kept != null) {
            return kept;
        }
        // one load per model: callers asking for it meanwhile wait for that copy instead of loading another
        synchronized (loading.computeIfAbsent(modelId, id -> new Object())) {
            kept = take(modelId);
            if (kept != null) {
                return kept;
            }
            long changesBefore = changesOf(modelId);
            long start = System.nanoTime();
            Loaded loaded = new Loaded(frozen(ClassifierModel.load(models.directoryOf(modelId), Device.cpu())));
            log.info("Model {} loaded for explanations (libtorch fp32, cpu) in {} ms", modelId,
                    (System.nanoTime() - start) / 1_000_000);
            loads.incrementAndGet();
            loaded.tryAcquire(); // the caller's reference
            synchronized (this) {
                if (changes.getOrDefault(modelId, 0L) != changesBefore) {
                    // changed or deleted while it loaded: this caller uses the copy, nobody keeps it
                    loaded.release();
                    return loaded;
                }
                Loaded previous = byId.put(modelId, loaded);
                if (previous != null) {
                    previous.release();
                }
                evict();
            }
            return loaded;
        }
    }

    private synchronized long changesOf(String modelId) {
        return changes.getOrDefault(modelId, 0L);
    }

    /** A reference to the kept copy, marked most recently used; null when none is kept (or it is closing). */
    private synchronized Loaded take(String modelId) {
        Loaded kept = byId.remove(modelId);
        if (kept == null) {
            return null;
        }
        byId.put(modelId, kept); // most recently used last
        return kept.tryAcquire() ? kept : null;
    }

    /** No weight records gradients: a backward pass reaches the interpolated embeddings alone. */
    private static ClassifierModel frozen(ClassifierModel model) {
        model.parameters().values().forEach(weight -> weight.setRequiresGradient(false));
        if (model.adapter() != null) {
            model.adapter().pairs().values().forEach(pair -> {
                pair.a().setRequiresGradient(false);
                pair.b().setRequiresGradient(false);
            });
        }
        return model;
    }

    private void evict() {
        Iterator<Map.Entry<String, Loaded>> eldestFirst = byId.entrySet().iterator();
        while (byId.size() > capacity && eldestFirst.hasNext()) {
            Loaded eldest = eldestFirst.next().getValue();
            eldestFirst.remove();
            eldest.release(); // closes once its running explanations release it
        }
    }

    /** How many copies were loaded since start. */
    int loads() {
        return loads.get();
    }

    /** How many copies are loaded now. */
    synchronized int size() {
        return byId.size();
    }

    /** A changed or deleted model's copy goes: the next explanation loads it afresh. */
    @TransactionalEventListener(value = ModelsChangedEvent.class, fallbackExecution = true)
    void modelChanged(ModelsChangedEvent event) {
        if (event.modelId() == null) {
            return;
        }
        Loaded gone;
        synchronized (this) {
            changes.merge(event.modelId(), 1L, Long::sum);
            gone = byId.remove(event.modelId());
        }
        if (gone != null) {
            gone.release();
        }
    }

    @Override
    public synchronized void destroy() {
        byId.values().forEach(Loaded::release);
        byId.clear();
    }
}
