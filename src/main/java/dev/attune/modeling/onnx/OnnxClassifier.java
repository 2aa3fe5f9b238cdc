package dev.attune.modeling.onnx;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.attune.modeling.ClassifierFacts;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.EncodedBatch;
import dev.attune.modeling.TextClassifier;
import dev.attune.modeling.TextEncoder;
import dev.attune.modeling.TrainedLength;
import dev.attune.modeling.WindowRule;

/**
 * A classifier served by ONNX Runtime (CPU) from the graph {@link OnnxExport} writes: fp32, or int8 with the
 * encoder's linear layers dynamically quantized. Its own tokenizer, no libtorch memory once built.
 * Thread-safe: ONNX Runtime sessions run concurrently.
 */
public final class OnnxClassifier implements TextClassifier {

    private final ClassifierFacts facts;
    private final OnnxExport.Weights weights;
    private final OrtSession session;
    private final List<String> inputNames;
    /** Run once the session is closed: lets go of the shared weights it read (null: none). */
    private final Runnable afterClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OnnxClassifier(ClassifierFacts facts, OnnxExport.Weights weights, OrtSession session, Runnable afterClose) {
        this.facts = facts;
        this.weights = weights;
        this.session = session;
        this.inputNames = OnnxExport.inputNames(facts.config());
        this.afterClose = afterClose;
    }

    /**
     * Exports {@code model} and opens the graph in ONNX Runtime with every graph optimization on, one
     * intra-op thread per core. The libtorch model stays its caller's to close.
     */
    public static OnnxClassifier of(ClassifierModel model, OnnxExport.Weights weights) {
        return of(model, weights, null, name -> true, null);
    }

    /**
     * As {@link #of(ClassifierModel, OnnxExport.Weights)}, the weights it shares with other sessions read from
     * {@code shared} (null: none shared; {@code ownWeight} names the initializers that are this model's own and
     * never shared), which must stay open until {@code afterClose} runs (after this classifier's close; null:
     * nothing to run). When opening fails, {@code afterClose} is not run: the caller still holds what it acquired.
     */
    public static OnnxClassifier of(ClassifierModel model, OnnxExport.Weights weights, SharedInitializers shared,
            Predicate<String> ownWeight, Runnable afterClose) {
        OnnxExport.Exported exported = shared == null
                ? new OnnxExport.Exported(OnnxExport.export(model.config(), model.tensors(), weights), List.of())
                : OnnxExport.exportKeepingInitializers(model.config(), model.tensors(), weights);
        TextEncoder textEncoder = new TextEncoder(model.source(), model.textEncoder().positionLimit(),
                model.config().padTokenId());
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            // idle kernel threads sleep instead of spinning: the cores stay free for request threads
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            if (shared != null) {
                shared.supply(options, exported.initializers(), ownWeight);
            }
            OrtSession session = OrtEnvironments.get().createSession(exported.model(), options);
            // the model's thresholds and calibration now; its long-text rule and trained maxLength as its config.json says
            ClassifierFacts facts = new ClassifierFacts(model.config(), textEncoder, model.thresholds(),
                    model.calibration(), WindowRule.read(model.config().raw()),
                    TrainedLength.read(model.config().raw()));
            return new OnnxClassifier(facts, weights, session, afterClose);
        } catch (OrtException | RuntimeException e) {
            textEncoder.close();
            throw new IllegalStateException("ONNX Runtime could not open the exported graph: " + e.getMessage(), e);
        } catch (Error e) { // out of (direct) memory: nothing of this session may stay behind
            textEncoder.close();
            throw e;
        }
    }

    @Override
    public ClassifierFacts facts() {
        return facts;
    }

    @Override
    public String engine() {
        return "onnxruntime " + weights.name().toLowerCase();
    }

    @Override
    public float[][] logits(EncodedBatch batch) {
        OrtEnvironment environment = OrtEnvironments.get();
        long[] shape = {batch.batchSize(), batch.tokens()};
        long[][] columns = {batch.inputIds(), batch.attentionMask(), batch.tokenTypeIds()};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (int i = 0; i < inputNames.size(); i++) {
                inputs.put(inputNames.get(i), OnnxTensor.createTensor(environment, LongBuffer.wrap(columns[i]), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer flat = ((OnnxTensor) result.get(0)).getFloatBuffer(); // (B, C)
                int classes = facts.config().numLabels();
                float[][] rows = new float[batch.batchSize()][classes];
                for (float[] row : rows) {
                    flat.get(row);
                }
                return rows;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + batch.batchSize() + ": "
                    + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Closes the session once (a second call does nothing: shared weights are let go of once). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            facts.textEncoder().close();
            if (afterClose != null) {
                afterClose.run();
            }
        }
    }
}
