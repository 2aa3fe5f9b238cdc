package dev.attune.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.djl.ndarray.NDArray;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LayerNorm;
import dev.attune.modeling.LoraAdapter;
import dev.attune.modeling.ParameterNames;

/** Which parameters a strategy trains (full, last layers, head, LoRA), and which of them AdamW decays. */
public final class TrainableParameters {

    private static final Pattern LAYER = Pattern.compile("\\.layer\\.(\\d+)\\.");

    private TrainableParameters() {
    }

    /** The parameters the strategy trains, marked to collect gradients; the others are frozen. */
    static List<AdamW.Trainable> select(ClassifierModel model, TrainingOptions options) {
        List<AdamW.Trainable> trainable = new ArrayList<>();
        for (Map.Entry<String, ParameterNames.Slot> entry : ParameterNames.of(model.block()).entrySet()) {
            String name = entry.getKey();
            boolean train = trains(model, options, name);
            NDArray weight = entry.getValue().parameter().getArray();
            weight.setRequiresGradient(train);
            if (train) {
                boolean decay = !(name.endsWith(".bias") || entry.getValue().owner() instanceof LayerNorm);
                trainable.add(new AdamW.Trainable(name, weight, decay));
            }
        }
        LoraAdapter adapter = model.adapter();
        if (adapter != null) { // decayed as any weight, as transformers' Trainer does with PEFT's lora_A / lora_B
            adapter.pairs().forEach((module, pair) -> {
                pair.a().setRequiresGradient(true);
                pair.b().setRequiresGradient(true);
                trainable.add(new AdamW.Trainable(module + ".lora_A.weight", pair.a(), true));
                trainable.add(new AdamW.Trainable(module + ".lora_B.weight", pair.b(), true));
            });
        }
        return trainable;
    }

    /** How many weights the strategy trains (a LoRA model's: its adapter's pairs and its head). */
    public static long count(ClassifierModel model, TrainingOptions options) {
        long count = 0;
        for (Map.Entry<String, NDArray> entry : model.parameters().entrySet()) {
            count += trains(model, options, entry.getKey()) ? entry.getValue().size() : 0;
        }
        return count + (model.adapter() == null ? 0 : model.adapter().pairParameters());
    }

    private static boolean trains(ClassifierModel model, TrainingOptions options, String name) {
        boolean head = model.block().isHeadParameter(name);
        return switch (options.strategy()) {
            case FULL -> true;
            case HEAD, LORA -> head; // lora: the head (and pooler) in full, as PEFT's modules_to_save
            case SETFIT -> !head; // the contrastive stage tunes the encoder; the head is fitted after it
            case LAST_LAYERS -> head
                    || layerIndex(name) >= Math.max(0, model.config().numLayers() - options.lastLayers());
        };
    }

    /** The encoder layer a parameter belongs to, or -1 (embeddings). */
    static int layerIndex(String name) {
        Matcher matcher = LAYER.matcher(name);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }
}
