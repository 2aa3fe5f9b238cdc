package dev.attune.model;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipOutputStream;

import ai.djl.Device;
import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.ModelReference;
import dev.attune.checkpoint.NonFiniteWeights;
import dev.attune.checkpoint.Tensor;
import dev.attune.errors.InvalidInput;
import dev.attune.files.FileTrees;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LoraFiles;

import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What LoRA models need beyond plain ones: the base a job's adapter runs over (kept in the data directory unless it
 * is a registered model, {@link StoredBases}), an imported PEFT adapter made whole (its base resolved and kept, a
 * config.json with its labels, the tokenizer), its two downloads (the merged checkpoint and the adapter in PEFT's
 * format), and its kept base deleted with the last adapter of it.
 */
@Component
class AdapterModels {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** What a PEFT download leaves out: where the base lies on this node means nothing elsewhere. */
    private static final Set<String> NODE_ONLY = Set.of(LoraFiles.BASE);

    private final ModelSources sources;
    private final ModelFiles files;
    private final ModelRepository repository;
    private final StoredBases bases;

    AdapterModels(ModelSources sources, ModelFiles files, ModelRepository repository, StoredBases bases) {
        this.sources = sources;
        this.files = files;
        this.repository = repository;
        this.bases = bases;
    }

    /**
     * The base a job's LoRA model runs over: a registered base stays that model; else the run's own copy of the
     * path or Hub snapshot it trained over ({@code trainedOver}), which registering keeps ({@link #save}).
     */
    Training over(ModelReference reference, Long trainableParameters, Path trainedOver) {
        if (reference instanceof ModelReference.Registered || trainedOver == null) {
            return over(reference, trainableParameters);
        }
        return new Training("lora", trainableParameters, trainedOver, peftBaseName(reference), null);
    }

    /** The base a LoRA model runs over when it was trained (or is imported) over {@code reference}. */
    Training over(ModelReference reference, Long trainableParameters) {
        if (reference instanceof ModelReference.Registered registered) {
            RegisteredModel base = repository.findById(registered.id()).orElseThrow(() -> new InvalidInput(
                    "Base model gone", "The adapter's base model '" + registered.id() + "' is no longer registered."));
            if (base.isAdapter()) {
                throw new InvalidInput("Base is an adapter", "Model '" + base.id() + "' is a LoRA adapter itself; an "
                        + "adapter runs over a plain checkpoint (its base: " + base.adapter().baseModel() + ").");
            }
            return new Training("lora", trainableParameters, files.pathOf(base.id()), peftName(base.source()),
                    base.id());
        }
        return new Training("lora", trainableParameters, sources.resolve(reference).dir(), peftBaseName(reference),
                null);
    }

    private static String peftBaseName(ModelReference reference) {
        return reference instanceof ModelReference.HubRepo hub ? hub.repo() : reference.text();
    }

    /** A source as PEFT's base_model_name_or_path wants it: a Hub id without attune's hf:// and revision. */
    private static String peftName(String source) {
        if (source != null && source.startsWith("hf://")) {
            String repo = source.substring("hf://".length());
            return repo.contains("@") ? repo.substring(0, repo.indexOf('@')) : repo;
        }
        return source;
    }

    /**
     * Makes an imported PEFT adapter directory whole in {@code temp}: its adapter files, a config.json with its
     * labels (its own, as attune's downloads carry; else the base's config with LABEL_0... for the head's outputs),
     * the tokenizer files (its own, else the base's) and its base: a path or Hub snapshot kept first ({@link
     * StoredBases}), and checked and loaded as kept. Refused (400, nothing kept) when its config is out of bounds or
     * names layers its base lacks, or its weights are not finite; the caller {@link #forgetBase}s the base when it
     * registers nothing.
     *
     * @param baseModel the base asked for; null: the adapter's base_model_name_or_path
     */
    Training prepareImport(Path adapterDir, String baseModel, Path temp) throws IOException {
        LoraFiles.Adapter adapter = LoraFiles.read(adapterDir);
        String wanted = baseModel != null && !baseModel.isBlank() ? baseModel : registeredByName(adapter.baseName());
        if (wanted == null || wanted.isBlank()) {
            throw new InvalidInput("Adapter without base", "The adapter's adapter_config.json names no "
                    + "base_model_name_or_path. Give baseModel: a registered model id, a path under the import roots "
                    + "or a Hub id.");
        }
        ModelReference reference;
        try {
            reference = ModelReference.parse(wanted);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("Invalid base model", "baseModel: " + e.getMessage());
        }
        Training asked = over(reference, adapter.lora().values().stream().mapToLong(t -> t.data().length).sum()
                + adapter.head().values().stream().mapToLong(t -> t.data().length).sum());
        if (asked.baseModelId() == null) { // the usual mistakes refused before the base is copied
            LoraFiles.checkAgainstBase(adapter, CheckpointDir.open(asked.baseDir()).tensorShapes());
        }
        Path kept = bases.refer(temp, asked);
        Training training = kept == null ? asked : new Training(asked.strategy(), asked.trainableParameters(), kept,
                asked.baseName(), null);
        try {
            completeImport(adapterDir, adapter, training, temp);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp.resolve(LoraFiles.BASE));
            bases.dropIfUnused(kept);
            throw e;
        }
        return training;
    }

    /** The id of the one registered model so named (attune's PEFT downloads name a base so), else the name. */
    private String registeredByName(String name) {
        List<RegisteredModel> named = name == null ? List.of()
                : repository.findAll().stream().filter(m -> name.equals(m.name()) && !m.isAdapter()).toList();
        return named.size() == 1 ? named.get(0).id() : name;
    }

    private void completeImport(Path adapterDir, LoraFiles.Adapter adapter, Training training, Path temp)
            throws IOException {
        CheckpointDir base = CheckpointDir.open(training.baseDir());
        LoraFiles.checkAgainstBase(adapter, base.tensorShapes());
        if (training.baseModelId() == null) { // a registered base's weights were checked when it was imported
            NonFiniteWeights.refuse(base.readWeights());
        }
        Files.copy(adapterDir.resolve(LoraFiles.CONFIG), temp.resolve(LoraFiles.CONFIG));
        Files.copy(adapterDir.resolve(LoraFiles.WEIGHTS), temp.resolve(LoraFiles.WEIGHTS));
        Path tokenizerFrom = Files.isRegularFile(adapterDir.resolve(CheckpointDir.TOKENIZER)) ? adapterDir
                : training.baseDir();
        copyTokenizerFiles(tokenizerFrom, temp);
        if (Files.isRegularFile(adapterDir.resolve(CheckpointDir.CONFIG))) {
            Files.copy(adapterDir.resolve(CheckpointDir.CONFIG), temp.resolve(CheckpointDir.CONFIG));
        } else {
            writeConfigWithLabels(training.baseDir(), headOutputs(adapter), temp);
        }
        LoraFiles.writeBaseName(temp, training.baseName());
    }

    /**
     * Writes where a LoRA model being registered in {@code temp} finds its base ({@link StoredBases#refer}: a path
     * or Hub snapshot kept now) and the name PEFT users load it by; its adapter as the model resource shows it.
     */
    AdapterInfo save(Path temp, Training training) throws IOException {
        bases.refer(temp, training);
        LoraFiles.writeBaseName(temp, training.baseName());
        LoraFiles.Adapter saved = LoraFiles.read(temp);
        return new AdapterInfo(saved.settings().r(), saved.settings().alpha(), saved.settings().dropout(),
                saved.settings().targetModules(), saved.modulesToSave(), training.baseName(), training.baseModelId(),
                Files.size(temp.resolve(LoraFiles.WEIGHTS)));
    }

    /** Deletes a kept base no model runs over any more (after a registration failed; null or any other: nothing). */
    void forgetBase(Path base) {
        if (base != null && bases.isKept(base)) {
            bases.dropIfUnused(base);
        }
    }

    /** Deletes a model's files, and the base kept for it when it was the last model over it. */
    void deleteFiles(String id) {
        Path base;
        try {
            base = LoraFiles.baseDirOf(files.pathOf(id));
        } catch (RuntimeException e) {
            base = null; // unreadable: its base, if kept, goes at a later start
        }
        files.delete(id);
        forgetBase(base);
    }

    /** Removes kept bases no model runs over and temporary copies a crash left. */
    void removeLeftoverBases() throws IOException {
        bases.removeLeftovers();
    }

    /** The number of outputs of the adapter's final classifier layer (the rows of its last head weight). */
    private static int headOutputs(LoraFiles.Adapter adapter) {
        Tensor last = adapter.head().entrySet().stream()
                .filter(e -> e.getKey().endsWith("classifier.weight") || e.getKey().endsWith("out_proj.weight"))
                .map(java.util.Map.Entry::getValue).reduce((first, second) -> second)
                .orElseThrow(() -> new InvalidInput("Adapter without head", "The adapter has no trained classifier "
                        + "head (modules_to_save). Import adapters trained for sequence classification (task_type "
                        + "SEQ_CLS), whose head is saved with them."));
        return (int) last.shape()[0];
    }

    private static void writeConfigWithLabels(Path baseDir, int labels, Path temp) throws IOException {
        ObjectNode config = (ObjectNode) CheckpointDir.readJson(baseDir.resolve(CheckpointDir.CONFIG)).deepCopy();
        ObjectNode id2label = config.putObject("id2label");
        ObjectNode label2id = config.putObject("label2id");
        for (int i = 0; i < labels; i++) {
            id2label.put(Integer.toString(i), "LABEL_" + i);
            label2id.put("LABEL_" + i, i);
        }
        config.put("num_labels", labels);
        Files.writeString(temp.resolve(CheckpointDir.CONFIG), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(config));
    }

    private static void copyTokenizerFiles(Path from, Path to) throws IOException {
        for (String name : new String[] {CheckpointDir.TOKENIZER, CheckpointDir.TOKENIZER_CONFIG,
                "special_tokens_map.json", "vocab.txt", "vocab.json", "merges.txt", "sentencepiece.bpe.model"}) {
            if (Files.isRegularFile(from.resolve(name))) {
                Files.copy(from.resolve(name), to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** A LoRA model merged into its base's weights, as a Hugging Face checkpoint zip written into {@code file}. */
    void writeMergedZip(String id, Path file) throws IOException {
        Path merged = writeMerged(id);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            ModelFiles.zip(merged, name -> true, out);
        } finally {
            FileTrees.deleteQuietly(merged);
        }
    }

    /** The LoRA model merged into its base as a plain checkpoint, in a temporary directory the caller deletes. */
    private Path writeMerged(String id) throws IOException {
        Path temp = files.newTempDir();
        try (ClassifierModel model = ClassifierModel.load(files.pathOf(id), Device.cpu())) {
            model.saveMerged(temp);
            return temp;
        } catch (IOException | RuntimeException e) {
            FileTrees.deleteQuietly(temp);
            throw e;
        }
    }

    /**
     * The adapter in PEFT's format: adapter_config.json, adapter_model.safetensors, config.json, tokenizer files.
     * Its base_model_name_or_path names the base as its user knows it ({@link #baseNameForUsers}), never where it
     * lies on this node.
     */
    void zipPeft(RegisteredModel model, OutputStream out) throws IOException {
        Path dir = files.pathOf(model.id());
        ObjectNode config = (ObjectNode) CheckpointDir.readJson(dir.resolve(LoraFiles.CONFIG));
        config.put("base_model_name_or_path", baseNameForUsers(model.adapter()));
        byte[] configBytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config)
                .getBytes(StandardCharsets.UTF_8);
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            ModelFiles.addBytes(zip, LoraFiles.CONFIG, configBytes);
            ModelFiles.addFiles(zip, dir, name -> !NODE_ONLY.contains(name) && !name.equals(LoraFiles.CONFIG));
        }
    }

    /**
     * The base as a PEFT user knows it: the Hub id of a base from the Hub; a registered base's name; the last part
     * of a local path (the directory's name, not where it lies on this node).
     */
    private String baseNameForUsers(AdapterInfo adapter) {
        if (adapter.baseModelId() != null) {
            RegisteredModel base = repository.findById(adapter.baseModelId()).orElse(null);
            if (base != null) {
                return base.origin() == Origin.IMPORT && base.source() != null && base.source().startsWith("hf://")
                        ? peftName(base.source()) : base.name();
            }
        }
        String name = adapter.baseModel();
        if (name == null || !ModelReference.isPath(name)) {
            return name; // a Hub id
        }
        return new ModelReference.LocalPath(name).shortName();
    }
}
