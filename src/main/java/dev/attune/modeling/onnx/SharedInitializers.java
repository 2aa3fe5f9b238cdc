package dev.attune.modeling.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Weights several ONNX Runtime sessions read from one copy. The LoRA models of one base hold the same embeddings,
 * layer norms and untouched linear layers (merging changes only the adapted layers; int8 quantization of the same
 * weight gives the same bytes), so each session of such a model takes those from here
 * ({@code SessionOptions.addInitializer}: ONNX Runtime reads the tensor in place, no copy) and keeps only its own
 * layers and head. The caller names a session's own weights (an adapter's adapted layers and saved modules): those
 * stay in its graph and are never pooled. Any other initializer is shared when a pooled one has its name and the
 * same bytes, pooled by the first session that has it when none has its name yet, and kept in the session's graph
 * when the pooled one differs. Small constants are not pooled.
 *
 * <p>Tensors live until {@link #close}, which the owner calls after every session that used the pool is closed.
 */
public final class SharedInitializers implements AutoCloseable {

    /** Below this size an initializer stays in its graph: pooling it saves nothing worth a lookup. */
    static final int MIN_BYTES = 4096;

    private record Pooled(ByteBuffer data, OnnxTensor tensor) {
    }

    private final Map<String, Pooled> pooled = new HashMap<>();
    private long bytes;
    /** Initializers handed to sessions from the pool, over its life (tests: sharing happened). */
    private long handedOut;
    private boolean closed;

    /**
     * Hands {@code options} the pooled copy of each initializer that has one (pooling those not pooled yet), except
     * the session's own weights.
     */
    synchronized void supply(OrtSession.SessionOptions options, List<OnnxGraph.Initializer> initializers,
            Predicate<String> ownWeight) throws OrtException {
        if (closed) {
            throw new IllegalStateException("shared initializers already closed");
        }
        for (OnnxGraph.Initializer initializer : initializers) {
            if (initializer.raw().length < MIN_BYTES || ownWeight.test(initializer.name())) {
                continue;
            }
            Pooled shared = pooled.get(initializer.name());
            if (shared == null) {
                shared = pool(initializer);
            } else if (!shared.data().equals(ByteBuffer.wrap(initializer.raw()))) {
                continue; // this model's own weight under a shared name
            }
            options.addInitializer(initializer.name(), shared.tensor());
            handedOut++;
        }
    }

    /** How many initializers sessions have taken from the pool so far. */
    public synchronized long handedOut() {
        return handedOut;
    }

    /** Bytes held by pooled tensors. */
    public synchronized long bytes() {
        return bytes;
    }

    private Pooled pool(OnnxGraph.Initializer initializer) throws OrtException {
        ByteBuffer data = ByteBuffer.allocateDirect(initializer.raw().length).order(ByteOrder.LITTLE_ENDIAN);
        data.put(initializer.raw()).flip();
        OnnxTensor tensor = OnnxTensor.createTensor(OrtEnvironments.get(), data, initializer.dims(),
                javaType(initializer.type()));
        Pooled shared = new Pooled(data, tensor);
        pooled.put(initializer.name(), shared);
        bytes += initializer.raw().length;
        return shared;
    }

    private static OnnxJavaType javaType(OnnxGraph.DataType type) {
        return switch (type) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT8 -> OnnxJavaType.INT8;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
        };
    }

    @Override
    public synchronized void close() {
        closed = true;
        pooled.values().forEach(shared -> shared.tensor().close());
        pooled.clear();
        bytes = 0;
    }
}
