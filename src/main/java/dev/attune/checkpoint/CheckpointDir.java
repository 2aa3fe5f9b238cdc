package dev.attune.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Hugging Face checkpoint directory as {@code save_pretrained} writes it: config.json, weights
 * (model.safetensors, or shards listed in model.safetensors.index.json) and tokenizer.json.
 */
public record CheckpointDir(Path path) {

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String WEIGHTS_INDEX = "model.safetensors.index.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final long MAX_JSON_BYTES = 16L * 1024 * 1024;

    /** Checks the layout; a directory with only pytorch_model.bin is refused with how to convert it. */
    public static CheckpointDir open(Path path) {
        if (!Files.isDirectory(path)) {
            throw new CheckpointException("Checkpoint directory " + path + " does not exist");
        }
        CheckpointDir dir = new CheckpointDir(path);
        if (!Files.isRegularFile(path.resolve(CONFIG))) {
            throw new CheckpointException("Checkpoint " + path + " has no config.json");
        }
        if (!Files.isRegularFile(path.resolve(WEIGHTS)) && !Files.isRegularFile(path.resolve(WEIGHTS_INDEX))) {
            if (Files.exists(path.resolve("pytorch_model.bin")) || Files.exists(path.resolve("pytorch_model.bin.index.json"))) {
                throw new CheckpointException("Checkpoint " + path + " has only pytorch_model.bin (a pickle, which attune "
                        + "never loads because unpickling can run arbitrary code). Convert it to safetensors, e.g. in "
                        + "Python: AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)");
            }
            throw new CheckpointException("Checkpoint " + path + " has no model.safetensors (nor a sharded index)");
        }
        if (!Files.isRegularFile(path.resolve(TOKENIZER))) {
            throw new CheckpointException("Checkpoint " + path + " has no tokenizer.json (save the fast tokenizer "
                    + "with tokenizer.save_pretrained(dir))");
        }
        return dir;
    }

    /** config.json as JSON; {@code modeling.ModelConfig} gives it meaning. */
    public JsonNode configJson() {
        return readJson(path.resolve(CONFIG));
    }

    /** tokenizer_config.json's model_max_length, when it is present and a real limit. */
    public Integer tokenizerMaxLength() {
        Path file = path.resolve(TOKENIZER_CONFIG);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode max = readJson(file).get("model_max_length");
        return max != null && max.isNumber() && max.asDouble() > 0 && max.asDouble() < 1_000_000 ? max.asInt() : null;
    }

    /** Every tensor's shape, from the safetensors headers only (cheap: no tensor data is read). */
    public Map<String, long[]> tensorShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        weightFiles().forEach(file -> shapes.putAll(Safetensors.shapes(file)));
        return shapes;
    }

    /** Every tensor, from the single file or from all shards. */
    public Map<String, Tensor> readWeights() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        weightFiles().forEach(file -> tensors.putAll(Safetensors.read(file)));
        checkIndexComplete(tensors.keySet());
        return tensors;
    }

    /** The bytes of its weight files (model.safetensors, or every shard): the model's size in float32 or bf16. */
    public long weightBytes() {
        long bytes = 0;
        for (Path file : weightFiles()) {
            try {
                bytes += Files.size(file);
            } catch (IOException e) {
                throw new CheckpointException("Cannot read the size of " + file + ": " + e.getMessage());
            }
        }
        return bytes;
    }

    /** model.safetensors, or the shards its index lists (each checked to lie inside this directory). */
    private List<Path> weightFiles() {
        Path single = path.resolve(WEIGHTS);
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        List<Path> files = new ArrayList<>();
        for (String shard : new TreeSet<>(weightMap().values())) {
            Path shardPath = path.resolve(shard).normalize();
            if (!shardPath.startsWith(path) || !Files.isRegularFile(shardPath)) {
                throw new CheckpointException(WEIGHTS_INDEX + " names a missing or outside shard '" + shard + "'");
            }
            files.add(shardPath);
        }
        return files;
    }

    /** The index's tensor name → shard file; empty for a single-file checkpoint. */
    private Map<String, String> weightMap() {
        Path index = path.resolve(WEIGHTS_INDEX);
        if (Files.isRegularFile(path.resolve(WEIGHTS)) || !Files.isRegularFile(index)) {
            return Map.of();
        }
        JsonNode weightMap = readJson(index).get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new CheckpointException(WEIGHTS_INDEX + " has no weight_map");
        }
        Map<String, String> map = new LinkedHashMap<>();
        weightMap.properties().forEach(entry -> map.put(entry.getKey(), entry.getValue().asString()));
        return map;
    }

    private void checkIndexComplete(Set<String> loaded) {
        weightMap().forEach((tensor, shard) -> {
            if (!loaded.contains(tensor)) {
                throw new CheckpointException("Tensor '" + tensor + "' is listed in " + WEIGHTS_INDEX
                        + " but missing from shard " + shard);
            }
        });
    }

    /**
     * A JSON file of a checkpoint or adapter (config.json, adapter_config.json, tokenizer_config.json...): a few
     * kilobytes in practice; one over {@link #MAX_JSON_BYTES} is refused before it is read into memory.
     */
    public static JsonNode readJson(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_JSON_BYTES) {
                throw new CheckpointException(file.getFileName() + " is " + size + " bytes; a configuration file over "
                        + MAX_JSON_BYTES + " bytes is refused");
            }
            return JSON.readTree(Files.readString(file));
        } catch (IOException | JacksonException e) {
            throw new CheckpointException(file.getFileName() + " cannot be read as JSON: " + e.getMessage(), e);
        }
    }
}
