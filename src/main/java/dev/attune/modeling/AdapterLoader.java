package dev.attune.modeling;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.attune.checkpoint.CheckpointDir;
import dev.attune.checkpoint.CheckpointException;
import dev.attune.checkpoint.Tensor;

/**
 * Loads a LoRA model (an adapter directory, {@link LoraFiles}) as a model of its own: its base checkpoint with the
 * adapter's head bound in and its pairs attached, so it trains on (a resumed run), evaluates, merges and saves as
 * any model. Serving many adapters over one loaded base is {@link AdapterOverBase}.
 */
final class AdapterLoader {

    private AdapterLoader() {
    }

    static ClassifierModel load(Path dir, Device device, AttentionImplementation attention) {
        LoraFiles.Adapter files = LoraFiles.read(dir);
        Path baseDir = baseOf(files.baseDir(), dir);
        CheckpointDir base = CheckpointDir.open(baseDir);
        ModelConfig config = configOf(dir).withAttention(attention);
        SequenceClassifier block = Architectures.create(config);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Map<String, Tensor> weights = base.readWeights();
            WeightBinder.Report report = WeightBinder.bind(block, weights, manager, true);
            bindHead(block, files.head(), weights);
            LoraAdapter adapter = LoraAdapter.read(block, files.settings(), files.lora(), Map.of(),
                    manager.newSubManager(), false).over(baseDir, files.baseName());
            TextEncoder encoder = new TextEncoder(tokenizerDir(dir, baseDir), block.maxTokens(), config.padTokenId());
            ClassifierModel model = new ClassifierModel(manager, block, encoder, tokenizerDir(dir, baseDir), report);
            model.useAdapter(adapter);
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The base checkpoint's directory here, which must still exist. */
    static Path baseOf(Path baseDir, Path dir) {
        if (baseDir == null) {
            throw new CheckpointException("The adapter at " + dir + " does not say where its base model lies here; "
                    + "import it (POST /api/v1/models/import with its directory or Hub id), which resolves its "
                    + "base_model_name_or_path");
        }
        if (!Files.isDirectory(baseDir)) {
            throw new CheckpointException("The base model of the adapter at " + dir + " is gone: " + baseDir);
        }
        return baseDir;
    }

    /** The adapter's classification config (labels, problem type, thresholds...) from its config.json. */
    static ModelConfig configOf(Path dir) {
        return ModelConfig.parse(CheckpointDir.readJson(dir.resolve(CheckpointDir.CONFIG)));
    }

    static CheckpointDir tokenizerDir(Path dir, Path baseDir) {
        return new CheckpointDir(Files.isRegularFile(dir.resolve(CheckpointDir.TOKENIZER)) ? dir : baseDir);
    }

    /**
     * Puts the adapter's head (PEFT's modules_to_save) into the block, in place of the fresh one; a pooler the
     * adapter did not train is the base's.
     */
    private static void bindHead(SequenceClassifier block, Map<String, Tensor> head, Map<String, Tensor> base) {
        String prefix = block.basePrefix() + ".";
        ParameterNames.of(block).forEach((name, slot) -> {
            if (!block.isHeadParameter(name)) {
                return;
            }
            Tensor tensor = head.get(name);
            if (tensor == null && name.contains("pooler")) {
                tensor = base.getOrDefault(name, base.get(name.substring(prefix.length())));
            }
            if (tensor == null) {
                throw new CheckpointException("The adapter has no trained '" + name + "' (modules_to_save must hold "
                        + "the classifier head" + (name.contains("pooler") ? " and the pooler" : "") + ")");
            }
            Shape expected = slot.owner().expectedShape(slot.name());
            if (!tensor.djlShape().equals(expected)) {
                throw new CheckpointException("The adapter's '" + name + "' has shape " + tensor.djlShape()
                        + " but its config.json implies " + expected);
            }
            slot.parameter().getArray().set(tensor.data()); // over the fresh head the binder initialised
        });
    }
}
