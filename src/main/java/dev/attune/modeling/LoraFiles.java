package dev.attune.modeling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoublePredicate;

import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.CheckpointException;
import dev.attune.checkpoint.NonFiniteWeights;
import dev.attune.checkpoint.Safetensors;
import dev.attune.checkpoint.Tensor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A LoRA adapter on disk in PEFT's format, which {@code PeftModel.from_pretrained} loads: adapter_config.json
 * (peft_type LORA, task_type SEQ_CLS, r, lora_alpha, lora_dropout, target_modules, modules_to_save,
 * base_model_name_or_path) and adapter_model.safetensors with PEFT's saved names: {@code
 * base_model.model.<module>.lora_A.weight} / {@code lora_B.weight} for each adapted layer and {@code
 * base_model.model.<parameter>} for the modules trained in full (the head). attune adds attune_adapter.json: where
 * the base checkpoint it runs over lies. A registered model's adapter names it relative to the data directory
 * ({@code bases/<sha256>}, {@code models/<id>}), resolved from where the adapter lies ({@code
 * <data-dir>/models/<id>}), so every node sharing the data directory finds it; a run's own files (and adapters stored
 * before bases were kept) name an absolute path.
 */
public final class LoraFiles {

    public static final String CONFIG = "adapter_config.json";
    public static final String WEIGHTS = "adapter_model.safetensors";
    public static final String BASE = "attune_adapter.json";
    private static final String PREFIX = "base_model.model.";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LoraFiles() {
    }

    /**
     * An adapter as read.
     *
     * @param baseName base_model_name_or_path (a Hub id or a path, as the trainer named it)
     * @param baseDir the base checkpoint's directory here (attune_adapter.json); null for an adapter from elsewhere
     * @param lora the pairs by "module.lora_A.weight" / "module.lora_B.weight"
     * @param head the modules trained in full, by parameter name ("classifier.weight")
     */
    public record Adapter(LoraSettings settings, List<String> modulesToSave, String baseName, Path baseDir,
            Map<String, Tensor> lora, Map<String, Tensor> head) {

        public long bytes() {
            return 4 * (lora.values().stream().mapToLong(t -> t.data().length).sum()
                    + head.values().stream().mapToLong(t -> t.data().length).sum());
        }
    }

    public static boolean isAdapter(Path dir) {
        return Files.isRegularFile(dir.resolve(CONFIG));
    }

    /**
     * Reads an adapter directory; refuses what attune cannot apply (another PEFT type, DoRA, trained biases) and
     * a config out of bounds (r a whole number >= 1, lora_alpha > 0, lora_dropout in [0, 1)), naming the field.
     */
    public static Adapter read(Path dir) {
        JsonNode config = CheckpointDir.readJson(dir.resolve(CONFIG));
        String type = config.path("peft_type").asString("");
        if (!"LORA".equals(type)) {
            throw new CheckpointException(CONFIG + " has peft_type '" + type + "'; attune applies LORA adapters only");
        }
        if (config.path("use_dora").asBoolean(false) || !"none".equals(config.path("bias").asString("none"))
                || config.path("fan_in_fan_out").asBoolean(false)) {
            throw new CheckpointException(CONFIG + ": use_dora, bias other than \"none\" and fan_in_fan_out are not "
                    + "supported; train the adapter with plain LoRA");
        }
        if (!config.path("rank_pattern").isEmpty() || !config.path("alpha_pattern").isEmpty()) {
            throw new CheckpointException(CONFIG + ": per-layer rank_pattern / alpha_pattern is not supported");
        }
        int r = (int) number(config, "r", Double.NaN, "a whole number >= 1", v -> v >= 1 && v == Math.rint(v)
                && v <= Integer.MAX_VALUE);
        double alpha = number(config, "lora_alpha", r, "a number > 0", v -> v > 0);
        if (config.path("use_rslora").asBoolean(false)) {
            alpha = alpha * r / Math.sqrt(r); // rsLoRA scales by alpha / √r
        }
        double dropout = number(config, "lora_dropout", 0, "a number in [0, 1)", v -> v >= 0 && v < 1);
        LoraSettings settings = new LoraSettings(r, alpha, dropout, strings(config.path("target_modules")));
        if (!Files.isRegularFile(dir.resolve(WEIGHTS))) {
            throw new CheckpointException("The adapter directory has no " + WEIGHTS);
        }
        Map<String, Tensor> lora = new LinkedHashMap<>();
        Map<String, Tensor> head = new LinkedHashMap<>();
        Safetensors.read(dir.resolve(WEIGHTS)).forEach((name, tensor) -> {
            String local = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
            (local.contains(".lora_A.") || local.contains(".lora_B.") ? lora : head).put(local, tensor);
        });
        return new Adapter(settings, strings(config.path("modules_to_save")),
                config.path("base_model_name_or_path").asString(null), baseDirOf(dir), lora, head);
    }

    /** A number of adapter_config.json ({@code absent} when missing), refused naming the field unless {@code valid}. */
    private static double number(JsonNode config, String field, double absent, String expected, DoublePredicate valid) {
        JsonNode node = config.path(field);
        double value = node.isMissingNode() || node.isNull() ? absent : node.isNumber() ? node.asDouble() : Double.NaN;
        if (!Double.isFinite(value) || !valid.test(value)) {
            throw new CheckpointException(CONFIG + ": " + field + " is " + (node.isMissingNode() ? "missing" : node)
                    + "; it must be " + expected);
        }
        return value;
    }

    /**
     * Refuses an adapter whose target_modules name a layer its base lacks (checked by the base's tensor shapes
     * alone), listing the base's linear layers; its weights must be finite ({@link NonFiniteWeights}).
     */
    public static void checkAgainstBase(Adapter adapter, Map<String, long[]> baseShapes) {
        List<String> linear = LoraSettings.linearModules(baseShapes);
        List<String> unmatched = adapter.settings().unmatchedTargets(linear);
        if (!unmatched.isEmpty()) {
            throw new CheckpointException(CONFIG + ": target_modules " + unmatched + " match no linear layer of the "
                    + "base model; its linear layers are named " + LoraSettings.layerNames(linear)
                    + " (or longer ends, such as attention.output.dense). Import the adapter over the base it was "
                    + "trained on");
        }
        NonFiniteWeights.refuse(adapter.lora());
        NonFiniteWeights.refuse(adapter.head());
    }

    /**
     * Where the adapter's base lies here (attune_adapter.json alone is read); null when it does not say. A relative
     * path is the data directory's: the directory two levels above the adapter's ({@code <data-dir>/models/<id>}).
     */
    public static Path baseDirOf(Path dir) {
        if (!Files.isRegularFile(dir.resolve(BASE))) {
            return null;
        }
        Path stored = Path.of(CheckpointDir.readJson(dir.resolve(BASE)).path("baseDir").asString());
        if (stored.isAbsolute()) {
            return stored;
        }
        Path dataDir = dir.toAbsolutePath().normalize().getParent().getParent();
        return dataDir.resolve(stored).normalize();
    }

    /** Writes adapter_config.json, adapter_model.safetensors and attune_adapter.json into {@code dir}. */
    public static void write(Path dir, Adapter adapter) throws IOException {
        Files.createDirectories(dir);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        adapter.lora().forEach((name, tensor) -> tensors.put(PREFIX + name, tensor));
        adapter.head().forEach((name, tensor) -> tensors.put(PREFIX + name, tensor));
        Safetensors.writeF32(dir.resolve(WEIGHTS), tensors);
        LoraSettings settings = adapter.settings();
        ObjectNode config = JSON.createObjectNode();
        config.put("peft_type", "LORA");
        config.put("task_type", "SEQ_CLS");
        config.put("r", settings.r());
        if (settings.alpha() == Math.rint(settings.alpha())) {
            config.put("lora_alpha", (long) (double) settings.alpha()); // PEFT's LoraConfig types it int
        } else {
            config.put("lora_alpha", settings.alpha());
        }
        config.put("lora_dropout", settings.dropout());
        strings(config.putArray("target_modules"), settings.targetModules());
        strings(config.putArray("modules_to_save"), adapter.modulesToSave());
        config.put("base_model_name_or_path", adapter.baseName());
        config.put("bias", "none");
        config.put("fan_in_fan_out", false);
        config.put("inference_mode", true);
        config.put("init_lora_weights", true);
        config.put("use_rslora", false);
        config.put("use_dora", false);
        config.putObject("rank_pattern");
        config.putObject("alpha_pattern");
        Files.writeString(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        if (adapter.baseDir() != null) {
            writeBase(dir, adapter.baseDir());
        }
    }

    /** Points the adapter at the base checkpoint it runs over on this node (an absolute path). */
    public static void writeBase(Path dir, Path baseDir) throws IOException {
        ObjectNode base = JSON.createObjectNode().put("baseDir", baseDir.toAbsolutePath().toString());
        Files.writeString(dir.resolve(BASE), JSON.writeValueAsString(base));
    }

    /**
     * Points the adapter, which lies in {@code <data-dir>/models/<id>}, at its base by a path relative to the data
     * directory ({@link #baseDirOf}), the same on every node sharing it.
     */
    public static void writeBaseInDataDir(Path dir, Path relative) throws IOException {
        if (relative.isAbsolute() || relative.normalize().startsWith("..")) {
            throw new IllegalArgumentException("not a path inside the data directory: " + relative);
        }
        String portable = String.join("/", java.util.stream.StreamSupport.stream(relative.normalize().spliterator(),
                false).map(Path::toString).toList());
        ObjectNode base = JSON.createObjectNode().put("baseDir", portable);
        Files.writeString(dir.resolve(BASE), JSON.writeValueAsString(base));
    }

    /** Sets base_model_name_or_path (the name a PEFT user loads the base by). */
    public static void writeBaseName(Path dir, String baseName) throws IOException {
        ObjectNode config = (ObjectNode) CheckpointDir.readJson(dir.resolve(CONFIG));
        config.put("base_model_name_or_path", baseName);
        Files.writeString(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isString()) {
            values.add(node.asString());
        } else {
            node.forEach(value -> values.add(value.asString()));
        }
        return values;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
