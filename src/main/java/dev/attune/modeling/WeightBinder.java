package dev.attune.modeling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.attune.checkpoint.Tensor;
import dev.attune.checkpoint.CheckpointException;

/**
 * Puts checkpoint tensors into a classifier's parameters, by Hugging Face name. Every parameter must
 * come from the checkpoint with the right shape, except the head (and pooler), which transformers
 * initialises when absent and so does this. Anything else missing, unexpected or misshaped is an
 * error naming the tensor. Pre-training heads (masked-LM) and position-id buffers are skipped.
 */
public final class WeightBinder {

    private static final List<String> PRETRAINING_HEADS = List.of("cls.", "lm_head.", "vocab_transform.",
            "vocab_projector.", "vocab_layer_norm.");

    private WeightBinder() {
    }

    /** What binding did: tensors loaded, parameters freshly initialised, checkpoint tensors skipped. */
    public record Report(int loaded, List<String> initialised, List<String> skipped) {
    }

    /**
     * @param freshHead ignore the checkpoint's head tensors and initialise a new head (new labels)
     */
    public static Report bind(SequenceClassifier model, Map<String, Tensor> checkpoint, NDManager manager,
            boolean freshHead) {
        Map<String, ParameterNames.Slot> slots = ParameterNames.of(model);
        Map<String, Tensor> tensors = withBasePrefix(checkpoint, model.basePrefix(), slots);
        List<String> skipped = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (String name : tensors.keySet()) {
            if (slots.containsKey(name)) {
                continue;
            }
            if (name.endsWith("position_ids") || name.endsWith("embeddings.token_type_ids")
                    || PRETRAINING_HEADS.stream().anyMatch(name::startsWith)) {
                skipped.add(name);
            } else {
                unexpected.add(name);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new CheckpointException("Checkpoint has tensors a " + model.config().modelType()
                    + " classifier does not: " + limit(unexpected));
        }
        List<String> missing = new ArrayList<>();
        List<String> initialised = new ArrayList<>();
        int loaded = 0;
        for (Map.Entry<String, ParameterNames.Slot> entry : slots.entrySet()) {
            String name = entry.getKey();
            ParameterNames.Slot slot = entry.getValue();
            Shape expected = slot.owner().expectedShape(slot.name());
            Tensor tensor = tensors.get(name);
            boolean head = model.isHeadParameter(name);
            if (tensor == null || (freshHead && head)) {
                if (!head) {
                    missing.add(name);
                    continue;
                }
                slot.parameter().setArray(initialise(manager, slot.owner().init(slot.name()), expected,
                        model.config().initializerRange()));
                initialised.add(name);
                continue;
            }
            if (!tensor.djlShape().equals(expected)) {
                throw new CheckpointException("Tensor '" + name + "' has shape " + tensor.djlShape()
                        + " but config.json implies " + expected);
            }
            slot.parameter().setArray(manager.create(tensor.data(), expected));
            loaded++;
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException("Checkpoint lacks tensors: " + limit(missing));
        }
        return new Report(loaded, initialised, skipped);
    }

    /** Every parameter freshly initialised as transformers does (the "random init" baseline). */
    public static Report initialiseAll(SequenceClassifier model, NDManager manager) {
        List<String> initialised = new ArrayList<>();
        ParameterNames.of(model).forEach((name, slot) -> {
            slot.parameter().setArray(initialise(manager, slot.owner().init(slot.name()),
                    slot.owner().expectedShape(slot.name()), model.config().initializerRange()));
            initialised.add(name);
        });
        return new Report(0, initialised, List.of());
    }

    /** Base checkpoints (e.g. MiniLM saved as BertModel) have no "bert." prefix: add it, as transformers does. */
    private static Map<String, Tensor> withBasePrefix(Map<String, Tensor> tensors, String prefix,
            Map<String, ParameterNames.Slot> slots) {
        boolean prefixed = tensors.keySet().stream().anyMatch(name -> name.startsWith(prefix + "."));
        if (prefixed) {
            return tensors;
        }
        Map<String, Tensor> renamed = new HashMap<>();
        tensors.forEach((name, tensor) -> renamed.put(
                slots.containsKey(prefix + "." + name) || name.startsWith("embeddings.") ? prefix + "." + name : name,
                tensor));
        return renamed;
    }

    private static NDArray initialise(NDManager manager, ParameterInit init, Shape shape, double std) {
        return switch (init) {
            case NORMAL -> manager.randomNormal(0f, (float) std, shape, DataType.FLOAT32);
            case ZEROS -> manager.zeros(shape, DataType.FLOAT32);
            case ONES -> manager.ones(shape, DataType.FLOAT32);
        };
    }

    private static String limit(List<String> names) {
        return names.size() <= 10 ? names.toString() : names.subList(0, 10) + " and " + (names.size() - 10) + " more";
    }
}
