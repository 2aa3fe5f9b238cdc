package dev.attune.modeling;

import java.nio.file.Path;
import java.util.List;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

import ai.djl.ndarray.NDManager;

/**
 * A LoRA model served over a base loaded once and shared: only the adapter's pairs and head are its own (a
 * few hundred kilobytes to a few megabytes), the encoder's weights are the base's. Each forward pass runs with
 * its adapter active on its thread ({@link LoraAdapter#during}), so adapters of one base answer side by side;
 * a batch holds one adapter's texts (the heads differ in shape and the pairs in value, so texts of different
 * adapters would need a gathered product per row, which on a CPU costs what it saves).
 */
public final class AdapterOverBase implements TextClassifier {

    private final ClassifierModel base;
    private final LoraAdapter adapter;
    private final ClassifierFacts facts;
    private final Runnable release;
    private final long adapterBytes;
    private final ExecutorService forwardThread;

    private AdapterOverBase(ClassifierModel base, LoraAdapter adapter, ModelConfig config, TextEncoder textEncoder,
            Runnable release, long adapterBytes, ExecutorService forwardThread) {
        this.forwardThread = forwardThread;
        this.base = base;
        this.adapter = adapter;
        this.facts = ClassifierFacts.read(config, textEncoder);
        this.release = release;
        this.adapterBytes = adapterBytes;
    }

    /** As {@link #open(Adapter, ClassifierModel, ExecutorService, Runnable)}, running on the caller's thread. */
    public static AdapterOverBase open(Path dir, ClassifierModel base, Runnable release) {
        return open(read(dir), base, null, release);
    }

    /**
     * An adapter directory, read once for all that opening it needs: its files ({@link LoraFiles}), the base it runs
     * over (which must exist) and its config.json.
     */
    public record Adapter(Path dir, LoraFiles.Adapter files, Path baseDir, ModelConfig config) {
    }

    public static Adapter read(Path dir) {
        LoraFiles.Adapter files = LoraFiles.read(dir);
        return new Adapter(dir, files, AdapterLoader.baseOf(files.baseDir(), dir), AdapterLoader.configOf(dir));
    }

    /**
     * The adapter {@link #read} from its directory over {@code base} (loaded from its base checkpoint, its own head
     * or a fresh one: the adapter's head replaces it). {@code release} runs once this is closed (the base's holder
     * counts its users).
     *
     * @param forwardThread where the forward passes run (null: on the caller's thread). The adapters of one base
     *     share one: every thread that runs libtorch keeps native buffers of its own (OpenMP's team, the BLAS
     *     packing buffers), measured at 25-110 MB on this CPU, far more than an adapter's weights; one thread per
     *     adapter would cost that per adapter. On a CPU their passes would share the cores anyway.
     */
    public static AdapterOverBase open(Adapter read, ClassifierModel base, ExecutorService forwardThread,
            Runnable release) {
        Path dir = read.dir();
        LoraFiles.Adapter files = read.files();
        ModelConfig config = read.config();
        NDManager manager = base.manager().getEngine().newBaseManager(base.manager().getDevice());
        try {
            LoraAdapter adapter = LoraAdapter.read(base.block(), files.settings(), files.lora(), files.head(), manager,
                    true);
            // the base's tokenizer when the adapter's is the same (a tokenizer is megabytes of native memory)
            TextEncoder encoder = sameTokenizer(dir, base.source().path()) ? base.textEncoder()
                    : new TextEncoder(AdapterLoader.tokenizerDir(dir, base.source().path()), base.block().maxTokens(),
                            config.padTokenId());
            return new AdapterOverBase(base, adapter, config, encoder, release, files.bytes(), forwardThread);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Whether the adapter's tokenizer files are the base's (or it has none of its own). */
    private static boolean sameTokenizer(Path dir, Path baseDir) {
        try {
            for (String file : List.of(dev.attune.checkpoint.CheckpointDir.TOKENIZER,
                    dev.attune.checkpoint.CheckpointDir.TOKENIZER_CONFIG)) {
                Path own = dir.resolve(file);
                Path base = baseDir.resolve(file);
                if (java.nio.file.Files.exists(own) && (!java.nio.file.Files.exists(base)
                        || java.nio.file.Files.mismatch(own, base) != -1)) {
                    return false;
                }
            }
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Override
    public ClassifierFacts facts() {
        return facts;
    }

    @Override
    public float[][] logits(EncodedBatch batch) {
        if (forwardThread == null) {
            return base.logitsWith(adapter, batch, config().numLabels());
        }
        try {
            return forwardThread.submit(() -> base.logitsWith(adapter, batch, config().numLabels())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the forward pass", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    /** The bytes of the adapter's own weights (what serving it costs beyond the shared base). */
    public long adapterBytes() {
        return adapterBytes;
    }

    @Override
    public String engine() {
        return base.engine() + ", LoRA adapter over a shared base";
    }

    @Override
    public void close() {
        try {
            if (textEncoder() != base.textEncoder()) {
                textEncoder().close();
            }
            adapter.close();
        } finally {
            release.run();
        }
    }
}
