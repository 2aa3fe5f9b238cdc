package dev.attune.model;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipOutputStream;

import ai.djl.Device;
import dev.attune.checkpoint.CheckpointDir;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.onnx.OnnxExport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ONNX download, laid out as transformers.js and optimum load an unzipped directory (the layout of the Hub's
 * ONNX repositories): config.json, tokenizer.json, tokenizer_config.json (a minimal one written when the model has
 * none), special_tokens_map.json and the other tokenizer files the model has, and one graph: onnx/model.onnx (fp32)
 * or onnx/model_quantized.onnx (int8, what transformers.js loads for dtype q8). One graph only: optimum refuses a
 * directory with several unless told which.
 */
final class OnnxZip {

    static final String FP32_GRAPH = "onnx/model.onnx";
    static final String INT8_GRAPH = "onnx/model_quantized.onnx";
    private static final List<String> TOKENIZER_FILES = List.of(CheckpointDir.TOKENIZER, "special_tokens_map.json",
            "vocab.txt", "vocab.json", "merges.txt", "sentencepiece.bpe.model");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The special tokens of tokenizer_config.json and what each is called in the vocabularies attune reads. */
    private static final Map<String, Set<String>> SPECIAL_TOKENS = specialTokens();

    private OnnxZip() {
    }

    /** Loads the model in {@code modelDir} (a LoRA model over its base, merged), exports it and writes the zip. */
    static void write(Path modelDir, OnnxExport.Weights weights, Path file) throws IOException {
        byte[] graph;
        Path tokenizerDir;
        byte[] tokenizerConfig = null;
        try (ClassifierModel model = ClassifierModel.load(modelDir, Device.cpu())) {
            graph = OnnxExport.export(model.config(), model.tensors(), weights);
            tokenizerDir = model.source().path();
            if (!Files.isRegularFile(tokenizerDir.resolve(CheckpointDir.TOKENIZER_CONFIG))) {
                tokenizerConfig = minimalTokenizerConfig(tokenizerDir.resolve(CheckpointDir.TOKENIZER),
                        model.config().modelType(), model.textEncoder().defaultMaxLength());
            }
        }
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            ModelFiles.addFile(zip, CheckpointDir.CONFIG, modelDir.resolve(CheckpointDir.CONFIG));
            for (String name : TOKENIZER_FILES) {
                if (Files.isRegularFile(tokenizerDir.resolve(name))) {
                    ModelFiles.addFile(zip, name, tokenizerDir.resolve(name));
                }
            }
            if (tokenizerConfig == null) {
                ModelFiles.addFile(zip, CheckpointDir.TOKENIZER_CONFIG, tokenizerDir.resolve(CheckpointDir.TOKENIZER_CONFIG));
            } else {
                ModelFiles.addBytes(zip, CheckpointDir.TOKENIZER_CONFIG, tokenizerConfig);
            }
            ModelFiles.addBytes(zip, weights == OnnxExport.Weights.FP32 ? FP32_GRAPH : INT8_GRAPH, graph);
        }
    }

    /**
     * A tokenizer_config.json for a model that has none: the tokenizer class of its model type, model_max_length,
     * BERT's do_lower_case as its tokenizer.json normalises, and the special tokens its tokenizer.json holds.
     */
    static byte[] minimalTokenizerConfig(Path tokenizerJson, String modelType, int maxLength) throws IOException {
        ObjectNode config = JSON.createObjectNode();
        config.put("tokenizer_class", tokenizerClass(modelType));
        config.put("model_max_length", maxLength);
        JsonNode tokenizer = JSON.readTree(tokenizerJson.toFile());
        if (modelType.equals("bert") || modelType.equals("distilbert")) {
            config.put("do_lower_case", lowercases(tokenizer.path("normalizer")));
        }
        Set<String> added = new java.util.HashSet<>();
        tokenizer.path("added_tokens").forEach(token -> added.add(token.path("content").asString("")));
        SPECIAL_TOKENS.forEach((key, names) -> names.stream().filter(added::contains).findFirst()
                .ifPresent(token -> config.put(key, token)));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config).getBytes(StandardCharsets.UTF_8);
    }

    private static String tokenizerClass(String modelType) {
        return switch (modelType) {
            case "bert" -> "BertTokenizer";
            case "distilbert" -> "DistilBertTokenizer";
            case "roberta" -> "RobertaTokenizer";
            case "xlm-roberta" -> "XLMRobertaTokenizer";
            case "camembert" -> "CamembertTokenizer";
            default -> "PreTrainedTokenizerFast";
        };
    }

    /** Whether a tokenizer.json normalizer lower-cases: BertNormalizer's lowercase, or a Lowercase in a sequence. */
    private static boolean lowercases(JsonNode normalizer) {
        String type = normalizer.path("type").asString("");
        if (type.equals("BertNormalizer")) {
            return normalizer.path("lowercase").asBoolean(true);
        }
        if (type.equals("Sequence")) {
            for (JsonNode part : normalizer.path("normalizers")) {
                if (lowercases(part)) {
                    return true;
                }
            }
        }
        return type.equals("Lowercase");
    }

    private static Map<String, Set<String>> specialTokens() {
        Map<String, Set<String>> tokens = new LinkedHashMap<>();
        tokens.put("bos_token", Set.of("<s>"));
        tokens.put("eos_token", Set.of("</s>"));
        tokens.put("cls_token", Set.of("[CLS]", "<s>"));
        tokens.put("sep_token", Set.of("[SEP]", "</s>"));
        tokens.put("pad_token", Set.of("[PAD]", "<pad>"));
        tokens.put("unk_token", Set.of("[UNK]", "<unk>"));
        tokens.put("mask_token", Set.of("[MASK]", "<mask>"));
        return tokens;
    }
}
