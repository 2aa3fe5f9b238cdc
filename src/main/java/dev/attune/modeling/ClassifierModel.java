package dev.attune.modeling;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.CheckpointException;
import dev.attune.checkpoint.Tensor;

/**
 * A Hugging Face sequence classifier loaded into DJL: the block tree with its weights, the
 * tokenizer, and the config. Owns native memory: close it (try-with-resources).
 */
public final class ClassifierModel implements TextClassifier {

    private volatile Precision precision = Precision.FP32;

    private final NDManager manager;
    private final SequenceClassifier block;
    private final CheckpointDir source;
    private final WeightBinder.Report report;
    /** Replaced whole by the {@code use...} setters (training tunes them), so a reader sees one consistent copy. */
    private volatile ClassifierFacts facts;
    /** A LoRA model's adapter (null: a plain model), which knows the base checkpoint it adapts. */
    private LoraAdapter adapter;

    ClassifierModel(NDManager manager, SequenceClassifier block, TextEncoder textEncoder, CheckpointDir source,
            WeightBinder.Report report) {
        this.manager = manager;
        this.block = block;
        this.source = source;
        this.report = report;
        this.facts = ClassifierFacts.read(block.config(), textEncoder);
    }

    /** Loads a checkpoint with its own head (or a fresh one if it has none). */
    public static ClassifierModel load(Path dir, Device device) {
        return load(dir, device, AttentionImplementation.SDPA);
    }

    /** With a new head for {@code labels} (when non-null) in place of the checkpoint's: fine-tuning. */
    public static ClassifierModel load(Path dir, Device device, List<String> labels) {
        return load(dir, device, labels, false);
    }

    /** As above; {@code randomWeights}: the same architecture and tokenizer with fresh weights. */
    public static ClassifierModel load(Path dir, Device device, List<String> labels, boolean randomWeights) {
        return load(dir, device, labels, ProblemType.SINGLE_LABEL_CLASSIFICATION, randomWeights);
    }

    /**
     * @param labels when non-null, a new head with these outputs (for a regression: one) replaces the
     *     checkpoint's, unless the checkpoint already has exactly these outputs for this problem type
     * @param problemType what the new head's outputs mean (ignored when labels is null)
     * @param randomWeights ignore the checkpoint's weights: same architecture and tokenizer, fresh weights
     */
    public static ClassifierModel load(Path dir, Device device, List<String> labels, ProblemType problemType,
            boolean randomWeights) {
        return load(dir, device, labels, problemType, randomWeights, AttentionImplementation.SDPA);
    }

    /** A checkpoint with its own head, computing attention as {@code attention} says. */
    public static ClassifierModel load(Path dir, Device device, AttentionImplementation attention) {
        return load(dir, device, null, null, false, attention);
    }

    /** As {@link #load(Path, Device, List, ProblemType, boolean)}, attention sdpa (the default) or eager. */
    public static ClassifierModel load(Path dir, Device device, List<String> labels, ProblemType problemType,
            boolean randomWeights, AttentionImplementation attention) {
        return load(dir, device, labels, problemType, randomWeights, attention, false);
    }

    /**
     * A SetFit model ({@link SetFitClassifier}) for {@code labels}: the checkpoint's encoder with its own sentence
     * pooling ({@link SentencePooling#ofCheckpoint}) and a linear head over it (the checkpoint's when it is a SetFit
     * model with these labels, else fresh).
     */
    public static ClassifierModel loadSetFit(Path dir, Device device, List<String> labels,
            AttentionImplementation attention) {
        return loadSetFit(dir, device, labels, ProblemType.SINGLE_LABEL_CLASSIFICATION, attention);
    }

    /** @param problemType single_label_classification or multi_label_classification (one-vs-rest heads) */
    public static ClassifierModel loadSetFit(Path dir, Device device, List<String> labels, ProblemType problemType,
            AttentionImplementation attention) {
        return load(dir, device, labels, problemType, false, attention, true);
    }

    private static ClassifierModel load(Path dir, Device device, List<String> labels, ProblemType problemType,
            boolean randomWeights, AttentionImplementation attention, boolean setfit) {
        if (LoraFiles.isAdapter(dir)) {
            if (labels != null || randomWeights) {
                throw new CheckpointException("The model at " + dir + " is a LoRA adapter: fine-tune from its base "
                        + "model, or from its merged checkpoint imported as a model of its own");
            }
            return AdapterLoader.load(dir, device, attention);
        }
        CheckpointDir checkpoint = CheckpointDir.open(dir);
        ModelConfig config = ModelConfig.of(checkpoint).withAttention(attention);
        boolean freshHead = labels != null && (!labels.equals(config.labels()) || problemType != config.problemType());
        SentencePooling pooling = setfit ? SentencePooling.ofCheckpoint(dir, config.raw()) : null;
        if (setfit) {
            freshHead |= SentencePooling.ofConfig(config.raw()) == null; // another head than a SetFit one: a new head
        }
        if (labels != null) {
            config = config.withLabels(labels, problemType); // raw copied: marking it below leaves the base's alone
        }
        if (pooling != null) {
            pooling.writeTo(config.raw());
        }
        SequenceClassifier block = Architectures.create(config);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            WeightBinder.Report report = randomWeights ? WeightBinder.initialiseAll(block, manager)
                    : WeightBinder.bind(block, checkpoint.readWeights(), manager, freshHead);
            TextEncoder textEncoder = new TextEncoder(checkpoint, block.maxTokens(), config.padTokenId());
            return new ClassifierModel(manager, block, textEncoder, checkpoint, report);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @Override
    public ClassifierFacts facts() {
        return facts;
    }

    public SequenceClassifier block() {
        return block;
    }

    public NDManager manager() {
        return manager;
    }

    public WeightBinder.Report loadReport() {
        return report;
    }

    /** (logits (B, C), last_hidden_state (B, T, H)) for a batch whose arrays live in {@code scope}. */
    public NDList forward(NDList inputs, boolean training) {
        return forwardWith(adapter, inputs, training);
    }

    /** As {@link #forward} with {@code lora} active (null: the base alone): one base serving many adapters. */
    NDList forwardWith(LoraAdapter lora, NDList inputs, boolean training) {
        ParameterStore store = new ParameterStore(inputs.head().getManager(), false);
        return lora == null ? block.forward(store, inputs, training)
                : lora.during(() -> block.forward(store, inputs, training));
    }

    /**
     * Adds a fresh LoRA adapter (strategy lora): its pairs start so the model answers as before (B is zero), and
     * the model saves as an adapter over {@code base} from now on.
     */
    public LoraAdapter attachLora(LoraSettings settings, long seed, Path base) {
        if (adapter != null) {
            throw new IllegalStateException("the model has a LoRA adapter already");
        }
        adapter = LoraAdapter.fresh(block, settings, manager, seed).over(base, base.toString());
        return adapter;
    }

    /** Sets the adapter a LoRA model was loaded with ({@link AdapterLoader}). */
    void useAdapter(LoraAdapter loaded) {
        adapter = loaded;
    }

    /** A LoRA model's adapter; null for a plain model. */
    public LoraAdapter adapter() {
        return adapter;
    }

    /**
     * Runs every linear layer's product in this precision from now on (the weights stay fp32); {@code auto}
     * is resolved for this model's device. Returns the precision used.
     */
    public Precision usePrecision(Precision precision) {
        Precision resolved = precision.on(manager.getDevice());
        ParameterNames.of(block).values().stream().map(ParameterNames.Slot::owner).filter(Linear.class::isInstance)
                .map(Linear.class::cast).distinct().forEach(linear -> linear.usePrecision(resolved));
        this.precision = resolved;
        return resolved;
    }

    /** Sets the dropout on the attention probabilities while training, in every attention block (the config's until then). */
    public void useAttentionDropout(double rate) {
        ParameterNames.blocks(block).filter(DropsAttention.class::isInstance)
                .forEach(attention -> ((DropsAttention) attention).useAttentionDropout((float) rate));
    }

    /** The precision of the linear layers' products now (fp32 until {@link #usePrecision} says otherwise). */
    public Precision precision() {
        return precision;
    }

    /** The maxLength it was trained with: served (and saved, {@link TrainedLength}) so. */
    public synchronized void useMaxLength(int maxLength) {
        facts = facts.withTrainedLength(maxLength);
    }

    /** Sets how it reads long texts (saved in its config.json); null: truncation. */
    public synchronized void useWindowRule(WindowRule rule) {
        facts = facts.withWindowRule(rule);
    }

    /** Sets the temperatures its probabilities are scaled by (and saved in its config.json); null: none. */
    public synchronized void useCalibration(Calibration fitted) {
        facts = facts.withCalibration(fitted);
    }

    /** Sets the thresholds a multi-label model decides with (and saves in its config.json). */
    public synchronized void useThresholds(List<Double> perLabel) {
        facts = facts.withThresholds(perLabel);
    }

    /** (B, C) logits of an encoded batch: inference, in a scope freed at once. */
    @Override
    public float[][] logits(EncodedBatch batch) {
        return logitsWith(adapter, batch, config().numLabels());
    }

    /** As {@link #logits} with {@code lora} active, whose head has {@code labels} outputs. */
    float[][] logitsWith(LoraAdapter lora, EncodedBatch batch, int labels) {
        try (NDManager scope = manager.newSubManager()) {
            float[] flat = forwardWith(lora, batch.toNDList(scope), false).get(0).toFloatArray();
            return ModelOutputs.rows(flat, batch.batchSize(), labels);
        }
    }

    /** The checkpoint directory this model was loaded from (its tokenizer files). */
    public CheckpointDir source() {
        return source;
    }

    /**
     * Every parameter by its Hugging Face name, copied to the host as float32 (export, ONNX); a LoRA model's
     * adapted layers with their adapter merged in (W + B A · alpha / r).
     */
    public Map<String, Tensor> tensors() {
        return CheckpointWriter.mergedTensors(this);
    }

    /** Every parameter by its Hugging Face name. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        ParameterNames.of(block).forEach((name, slot) -> arrays.put(name, slot.parameter().getArray()));
        return arrays;
    }

    /**
     * Saves the model where it will be loaded from again: a Hugging Face checkpoint that transformers'
     * AutoModelForSequenceClassification loads (config.json, model.safetensors in F32 with HF names, the tokenizer
     * files) or, for a LoRA model, its adapter in PEFT's format beside config.json and the tokenizer files.
     */
    public void save(Path dir) throws IOException {
        if (adapter == null) {
            saveMerged(dir);
        } else {
            CheckpointWriter.writeAdapter(this, dir);
        }
    }

    /** A plain Hugging Face checkpoint; a LoRA model's adapter is merged into its weights. */
    public void saveMerged(Path dir) throws IOException {
        CheckpointWriter.writeCheckpoint(this, dir);
    }

    @Override
    public String engine() {
        return "libtorch " + precision.id();
    }

    @Override
    public void close() {
        if (adapter != null) {
            adapter.close();
        }
        facts.textEncoder().close();
        manager.close();
    }
}
