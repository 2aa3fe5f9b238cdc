package dev.attune.serving;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.attune.modeling.ModelOutputs;
import dev.attune.modeling.ProblemType;
import dev.attune.modeling.TextClassifier;

/** One text's answer from what the model output for it: /predict and batch scoring answer alike. */
public final class Predictions {

    private Predictions() {
    }

    /**
     * Probabilities (and, multi-label, the labels over threshold) or a regression's value.
     *
     * @param windows how many windows a long text was read in; null for one
     */
    public static Prediction of(TextClassifier model, float[] outputs, boolean truncated, Integer windows) {
        if (model.problemType() == ProblemType.REGRESSION) {
            return new Prediction(null, outputs[0], null, null, truncated, windows);
        }
        List<String> labels = model.config().labels();
        Map<String, Double> byLabel = new LinkedHashMap<>();
        int best = 0;
        for (int c = 0; c < outputs.length; c++) {
            byLabel.put(labels.get(c), (double) outputs[c]);
            if (outputs[c] > outputs[best]) {
                best = c;
            }
        }
        List<String> chosen = model.problemType() != ProblemType.MULTI_LABEL_CLASSIFICATION ? null
                : ModelOutputs.chosen(outputs, model.thresholds()).stream().map(labels::get).toList();
        return new Prediction(labels.get(best), outputs[best], byLabel, chosen, truncated, windows);
    }
}
