package dev.attune.serving;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import ai.djl.Device;
import dev.attune.modeling.AdapterOverBase;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.Precision;
import dev.attune.modeling.onnx.OnnxExport;
import dev.attune.modeling.onnx.SharedInitializers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What the LoRA adapters of one base share while they serve: in libtorch, the base model itself (per directory and
 * precision), loaded once; in ONNX Runtime, the base's untouched weights ({@link SharedInitializers}, per directory
 * and int8 or fp32), which each adapter's merged session reads in place. Each is closed when the last adapter
 * holding it is.
 */
@Component
public class SharedBases {

    private static final Logger log = LoggerFactory.getLogger(SharedBases.class);

    private record Key(Path dir, Precision precision) {
    }

    private static final class Held {
        final ClassifierModel model;
        /** The one thread the base's adapters run their forward passes on ({@link AdapterOverBase#open}). */
        final ExecutorService forwardThread;
        int users;

        Held(ClassifierModel model, String name) {
            this.model = model;
            this.forwardThread = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, name);
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    /** A base and the thread its adapters' forward passes run on. */
    record Base(ClassifierModel model, ExecutorService forwardThread) {
    }

    private final Map<Key, Held> held = new HashMap<>();

    private record WeightsKey(Path dir, OnnxExport.Weights kind) {
    }

    private static final class HeldWeights {
        final SharedInitializers initializers = new SharedInitializers();
        int users;
    }

    /** Guarded by itself, not by this: a session closing on a request thread never waits for a base loading. */
    private final Map<WeightsKey, HeldWeights> weights = new HashMap<>();

    /**
     * The pooled weights of the base in {@code dir} for ONNX Runtime sessions of {@code kind}; {@link #releaseWeights}
     * once per acquire, after the session using them is closed.
     */
    SharedInitializers acquireWeights(Path dir, OnnxExport.Weights kind) {
        synchronized (weights) {
            HeldWeights entry = weights.computeIfAbsent(new WeightsKey(dir.toAbsolutePath().normalize(), kind),
                    key -> new HeldWeights());
            entry.users++;
            return entry.initializers;
        }
    }

    void releaseWeights(Path dir, OnnxExport.Weights kind) {
        WeightsKey key = new WeightsKey(dir.toAbsolutePath().normalize(), kind);
        synchronized (weights) {
            HeldWeights entry = weights.get(key);
            if (entry == null || --entry.users > 0) {
                return;
            }
            weights.remove(key);
            long bytes = entry.initializers.bytes();
            entry.initializers.close();
            log.info("Released the shared {} weights of base {} ({} MiB): no adapter of it is served in ONNX Runtime",
                    kind.name().toLowerCase(), key.dir(), bytes >> 20);
        }
    }

    /** The loaded base (loading it if no adapter holds it); {@link #release} it once per acquire. */
    synchronized Base acquire(Path dir, Device device, Precision precision) {
        Key key = new Key(dir.toAbsolutePath().normalize(), precision);
        Held entry = held.get(key);
        if (entry == null) {
            ClassifierModel model = ClassifierModel.load(key.dir(), device);
            model.usePrecision(precision);
            entry = new Held(model, "attune-base-" + key.dir().getFileName() + "-" + precision.id());
            held.put(key, entry);
            log.info("Loaded base {} ({}) for LoRA adapters", key.dir(), precision.id());
        }
        entry.users++;
        return new Base(entry.model, entry.forwardThread);
    }

    synchronized void release(Path dir, Precision precision) {
        Key key = new Key(dir.toAbsolutePath().normalize(), precision);
        Held entry = held.get(key);
        if (entry != null && --entry.users == 0) {
            held.remove(key);
            entry.forwardThread.shutdown();
            entry.model.close();
            log.info("Released base {} ({}): no adapter of it is loaded", key.dir(), precision.id());
        }
    }

    /** How many adapters hold each loaded base or its shared ONNX Runtime weights (the serving status, tests). */
    public synchronized Map<String, Integer> users() {
        Map<String, Integer> users = new HashMap<>();
        held.forEach((key, entry) -> users.put(key.dir() + " " + key.precision().id(), entry.users));
        synchronized (weights) {
            weights.forEach((key, entry) -> users.put(key.dir() + " onnx-" + key.kind().name().toLowerCase(),
                    entry.users));
        }
        return users;
    }
}
