package dev.attune.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.djl.ndarray.NDArray;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LayerNorm;
import dev.attune.modeling.ParameterNames;

/** Which parameters a strategy trains (full, last layers, head), and which of them AdamW decays. */
final class TrainableParameters {

    private static final Pattern LAYER = Pattern.compile("\\.layer\\.(\\d+)\\.");

    private TrainableParameters() {
    }

    /** The parameters the strategy trains, marked to collect gradients; the others are frozen. */
    static List<AdamW.Trainable> select(ClassifierModel model, TrainingOptions options) {
        int layers = model.config().numLayers();
        int firstTrainedLayer = options.strategy() == TrainingOptions.Strategy.LAST_LAYERS
                ? Math.max(0, layers - options.lastLayers()) : 0;
        List<AdamW.Trainable> trainable = new ArrayList<>();
        for (Map.Entry<String, ParameterNames.Slot> entry : ParameterNames.of(model.block()).entrySet()) {
            String name = entry.getKey();
            boolean head = model.block().isHeadParameter(name);
            boolean train = switch (options.strategy()) {
                case FULL -> true;
                case HEAD -> head;
                case LAST_LAYERS -> head || layerIndex(name) >= firstTrainedLayer;
            };
            NDArray weight = entry.getValue().parameter().getArray();
            weight.setRequiresGradient(train);
            if (train) {
                boolean decay = !(name.endsWith(".bias") || entry.getValue().owner() instanceof LayerNorm);
                trainable.add(new AdamW.Trainable(name, weight, decay));
            }
        }
        return trainable;
    }

    /** The encoder layer a parameter belongs to, or -1 (embeddings). */
    static int layerIndex(String name) {
        Matcher matcher = LAYER.matcher(name);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }
}
