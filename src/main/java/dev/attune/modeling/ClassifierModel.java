package dev.attune.modeling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.Safetensors;
import dev.attune.checkpoint.Tensor;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Hugging Face sequence classifier loaded into DJL: the block tree with its weights, the
 * tokenizer, and the config. Owns native memory: close it (try-with-resources).
 */
public final class ClassifierModel implements TextClassifier {

    private volatile Precision precision = Precision.FP32;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> TOKENIZER_FILES = List.of(CheckpointDir.TOKENIZER, CheckpointDir.TOKENIZER_CONFIG,
            "special_tokens_map.json", "vocab.txt", "vocab.json", "merges.txt", "sentencepiece.bpe.model");

    private final NDManager manager;
    private final SequenceClassifier block;
    private final TextEncoder textEncoder;
    private final CheckpointDir source;
    private final WeightBinder.Report report;
    /** A multi-label model's decision threshold per label (tuned during training); null otherwise. */
    private volatile List<Double> thresholds;
    private volatile Calibration calibration;
    private volatile WindowRule windowRule;

    private ClassifierModel(NDManager manager, SequenceClassifier block, TextEncoder textEncoder, CheckpointDir source,
            WeightBinder.Report report) {
        this.manager = manager;
        this.block = block;
        this.textEncoder = textEncoder;
        this.source = source;
        this.report = report;
        this.thresholds = block.config().thresholds();
        this.calibration = Calibration.read(block.config().raw(), block.config().numLabels());
        this.windowRule = WindowRule.read(block.config().raw());
    }

    /** Loads a checkpoint with its own head (or a fresh one if it has none). */
    public static ClassifierModel load(Path dir, Device device) {
        return load(dir, device, AttentionImplementation.SDPA);
    }

    /**
     * @param labels when non-null, a new head for these labels replaces the checkpoint's (fine-tuning)
     */
    public static ClassifierModel load(Path dir, Device device, List<String> labels) {
        return load(dir, device, labels, false);
    }

    /**
     * @param labels when non-null, a new head for these labels replaces the checkpoint's (fine-tuning)
     * @param randomWeights ignore the checkpoint's weights: same architecture and tokenizer, fresh weights
     */
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

    /**
     * As {@link #load(Path, Device, List, ProblemType, boolean)}, computing attention as {@code attention}
     * says (sdpa, the default everywhere else, or eager, the reference).
     */
    public static ClassifierModel load(Path dir, Device device, List<String> labels, ProblemType problemType,
            boolean randomWeights, AttentionImplementation attention) {
        CheckpointDir checkpoint = CheckpointDir.open(dir);
        ModelConfig config = ModelConfig.of(checkpoint).withAttention(attention);
        boolean freshHead = labels != null && (!labels.equals(config.labels()) || problemType != config.problemType());
        if (labels != null) {
            config = config.withLabels(labels, problemType);
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
    public ModelConfig config() {
        return block.config();
    }

    public SequenceClassifier block() {
        return block;
    }

    @Override
    public TextEncoder textEncoder() {
        return textEncoder;
    }

    public NDManager manager() {
        return manager;
    }

    public WeightBinder.Report loadReport() {
        return report;
    }

    /** (logits (B, C), last_hidden_state (B, T, H)) for a batch whose arrays live in {@code scope}. */
    public NDList forward(NDList inputs, boolean training) {
        ParameterStore store = new ParameterStore(inputs.head().getManager(), false);
        return block.forward(store, inputs, training);
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

    /** The precision of the linear layers' products now (fp32 until {@link #usePrecision} says otherwise). */
    public Precision precision() {
        return precision;
    }

    public ProblemType problemType() {
        return config().problemType();
    }

    /** A multi-label model's threshold per label, in label order; null for other models or before tuning. */
    @Override
    public List<Double> thresholds() {
        return thresholds;
    }

    @Override
    public Calibration calibration() {
        return calibration;
    }

    @Override
    public WindowRule windowRule() {
        return windowRule;
    }

    /** Sets how it reads long texts (saved in its config.json). */
    public void useWindowRule(WindowRule rule) {
        this.windowRule = rule == null ? WindowRule.TRUNCATE : rule;
    }

    /** Sets the temperatures its probabilities are scaled by (and saved in its config.json); null: none. */
    public void useCalibration(Calibration fitted) {
        this.calibration = fitted;
    }

    /** Sets the thresholds a multi-label model decides with (and saves in its config.json). */
    public void useThresholds(List<Double> perLabel) {
        if (perLabel != null && perLabel.size() != config().numLabels()) {
            throw new IllegalArgumentException(perLabel.size() + " thresholds for " + config().numLabels() + " labels");
        }
        this.thresholds = perLabel == null ? null : List.copyOf(perLabel);
    }

    /** (B, C) logits of an encoded batch: inference, in a scope freed at once. */
    @Override
    public float[][] logits(EncodedBatch batch) {
        try (NDManager scope = manager.newSubManager()) {
            float[] flat = forward(batch.toNDList(scope), false).get(0).toFloatArray();
            return ModelOutputs.rows(flat, batch.batchSize(), config().numLabels());
        }
    }

    /** The checkpoint directory this model was loaded from (its tokenizer files). */
    public CheckpointDir source() {
        return source;
    }

    /** Every parameter by its Hugging Face name, copied to the host as float32 (export, ONNX). */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        parameters().forEach((name, array) -> tensors.put(name,
                new Tensor("F32", array.getShape().getShape(), array.toFloatArray())));
        return tensors;
    }

    /** Every parameter by its Hugging Face name. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        ParameterNames.of(block).forEach((name, slot) -> arrays.put(name, slot.parameter().getArray()));
        return arrays;
    }

    /**
     * Writes a Hugging Face checkpoint that transformers' AutoModelForSequenceClassification loads:
     * config.json (architectures, id2label, label2id), model.safetensors (F32, HF names) and the tokenizer files.
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Safetensors.writeF32(dir.resolve(CheckpointDir.WEIGHTS), tensors());
        Files.writeString(dir.resolve(CheckpointDir.CONFIG), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(exportConfig()));
        for (String file : TOKENIZER_FILES) {
            Path from = source.path().resolve(file);
            if (Files.isRegularFile(from) && !from.toAbsolutePath().equals(dir.resolve(file).toAbsolutePath())) {
                Files.copy(from, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private ObjectNode exportConfig() {
        ModelConfig config = config();
        ObjectNode json = config.raw().deepCopy();
        json.putArray("architectures").add(Architectures.className(config.modelType()));
        ObjectNode id2label = json.putObject("id2label");
        ObjectNode label2id = json.putObject("label2id");
        for (int i = 0; i < config.labels().size(); i++) {
            id2label.put(Integer.toString(i), config.labels().get(i));
            label2id.put(config.labels().get(i), i);
        }
        json.put("num_labels", config.labels().size());
        json.put("problem_type", config.problemType().id());
        json.remove(ModelConfig.THRESHOLDS_KEY);
        List<Double> perLabel = thresholds;
        if (config.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION && perLabel != null) {
            ObjectNode byLabel = json.putObject(ModelConfig.THRESHOLDS_KEY);
            for (int i = 0; i < perLabel.size(); i++) {
                byLabel.put(config.labels().get(i), perLabel.get(i));
            }
        }
        json.remove(Calibration.KEY);
        if (calibration != null) {
            calibration.writeTo(json);
        }
        windowRule.writeTo(json);
        json.put("dtype", "float32");
        return json;
    }

    @Override
    public String engine() {
        return "libtorch " + precision.id();
    }

    @Override
    public void close() {
        textEncoder.close();
        manager.close();
    }
}
