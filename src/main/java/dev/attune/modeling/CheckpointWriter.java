package dev.attune.modeling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.NonFiniteWeights;
import dev.attune.checkpoint.Safetensors;
import dev.attune.checkpoint.Tensor;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Writes a loaded classifier to disk: as a Hugging Face checkpoint, or a LoRA model as its PEFT adapter. */
final class CheckpointWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> TOKENIZER_FILES = List.of(CheckpointDir.TOKENIZER, CheckpointDir.TOKENIZER_CONFIG,
            "special_tokens_map.json", "vocab.txt", "vocab.json", "merges.txt", "sentencepiece.bpe.model");

    private CheckpointWriter() {
    }

    /**
     * A checkpoint transformers' AutoModelForSequenceClassification loads: config.json (architectures,
     * id2label, label2id), model.safetensors (F32, HF names; an adapter merged in) and the tokenizer files.
     * Weights holding NaN or an infinity are refused ({@link NonFiniteWeights}) before anything is written.
     */
    static void writeCheckpoint(ClassifierModel model, Path dir) throws IOException {
        Map<String, Tensor> tensors = model.tensors();
        NonFiniteWeights.refuse(tensors); // before anything is written: such weights never become a model
        Files.createDirectories(dir);
        Safetensors.writeF32(dir.resolve(CheckpointDir.WEIGHTS), tensors);
        writeConfigAndTokenizer(model, dir);
        if (model.block() instanceof SetFitClassifier setfit) { // sentence-transformers loads the encoder as a model
            setfit.pooling().writeModules(dir, model.config().hiddenSize());
            Path settings = model.source().path().resolve("sentence_bert_config.json");
            if (Files.isRegularFile(settings) && !settings.toAbsolutePath().equals(dir.resolve(settings.getFileName())
                    .toAbsolutePath())) {
                Files.copy(settings, dir.resolve(settings.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * A LoRA model: adapter_config.json and adapter_model.safetensors ({@link LoraFiles}), its classification
     * config.json and the tokenizer files; the base's weights stay where they are. Non-finite weights are refused.
     */
    static void writeAdapter(ClassifierModel model, Path dir) throws IOException {
        LoraAdapter adapter = model.adapter();
        Map<String, Tensor> lora = new LinkedHashMap<>();
        adapter.pairs().forEach((module, pair) -> {
            lora.put(module + ".lora_A.weight", tensor(pair.a()));
            lora.put(module + ".lora_B.weight", tensor(pair.b()));
        });
        Map<String, Tensor> head = new LinkedHashMap<>();
        model.parameters().forEach((name, array) -> {
            if (model.block().isHeadParameter(name)) {
                head.put(name, tensor(array));
            }
        });
        NonFiniteWeights.refuse(lora);
        NonFiniteWeights.refuse(head);
        LoraFiles.write(dir, new LoraFiles.Adapter(adapter.settings(), modulesToSave(model.block(), head.keySet()),
                adapter.baseName(), adapter.baseDir(), lora, head));
        writeConfigAndTokenizer(model, dir);
    }

    /** Every parameter as float32 on the host, a LoRA model's adapter merged into its layers (W + B A · alpha / r). */
    static Map<String, Tensor> mergedTensors(ClassifierModel model) {
        LoraAdapter adapter = model.adapter();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        model.parameters().forEach((name, array) -> {
            NDArray value = adapter != null && name.endsWith(".weight")
                    ? adapter.merged(name.substring(0, name.length() - ".weight".length()), array) : array;
            tensors.put(name, tensor(value));
            if (value != array) {
                value.close();
            }
        });
        return tensors;
    }

    /**
     * PEFT's modules_to_save for the head parameters: their module under the encoder's prefix, first part
     * ("classifier", "pooler", "pre_classifier"), as PEFT matches module names by their ends.
     */
    static List<String> modulesToSave(SequenceClassifier block, Set<String> headParameters) {
        Set<String> modules = new LinkedHashSet<>();
        String prefix = block.basePrefix() + ".";
        for (String name : headParameters) {
            String local = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
            modules.add(local.substring(0, local.indexOf('.')));
        }
        return List.copyOf(modules);
    }

    private static Tensor tensor(NDArray array) {
        return new Tensor("F32", array.getShape().getShape(), array.toFloatArray());
    }

    private static void writeConfigAndTokenizer(ClassifierModel model, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(CheckpointDir.CONFIG), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(exportConfig(model)));
        for (String file : TOKENIZER_FILES) {
            Path from = model.source().path().resolve(file);
            if (Files.isRegularFile(from) && !from.toAbsolutePath().equals(dir.resolve(file).toAbsolutePath())) {
                Files.copy(from, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static ObjectNode exportConfig(ClassifierModel model) {
        ModelConfig config = model.config();
        ObjectNode json = config.raw().deepCopy();
        json.putArray("architectures").add(model.block() instanceof SetFitClassifier
                ? Architectures.encoderClassName(config.modelType()) : Architectures.className(config.modelType()));
        ObjectNode id2label = json.putObject("id2label");
        ObjectNode label2id = json.putObject("label2id");
        for (int i = 0; i < config.labels().size(); i++) {
            id2label.put(Integer.toString(i), config.labels().get(i));
            label2id.put(config.labels().get(i), i);
        }
        json.put("num_labels", config.labels().size());
        json.put("problem_type", config.problemType().id());
        json.remove(ModelConfig.THRESHOLDS_KEY);
        List<Double> perLabel = model.thresholds();
        if (config.problemType() == ProblemType.MULTI_LABEL_CLASSIFICATION && perLabel != null) {
            ObjectNode byLabel = json.putObject(ModelConfig.THRESHOLDS_KEY);
            for (int i = 0; i < perLabel.size(); i++) {
                byLabel.put(config.labels().get(i), perLabel.get(i));
            }
        }
        json.remove(Calibration.KEY);
        if (model.calibration() != null) {
            model.calibration().writeTo(json);
        }
        model.windowRule().writeTo(json);
        TrainedLength.write(json, model.maxLength());
        json.put("dtype", "float32");
        return json;
    }
}
