package dev.attune.serving;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.attune.explain.Explanation;

/**
 * One text's answer.
 *
 * @param label the most probable label (classifiers); null for a regression model
 * @param score that label's probability; for a regression model, the predicted value
 * @param probabilities every label's probability: a softmax that sums to 1 (single label) or an independent
 *     sigmoid per label (multi-label); null for a regression model
 * @param labels multi-label models only: the labels whose probability reaches their threshold (may be empty)
 * @param truncated whether part of the text went unread: cut to the model's maxLength tokens (or, head_tail,
 *     its middle left out)
 * @param windows how many windows of maxLength tokens a long text was read in (sliding_window); absent for one
 * @param explanation why: each word's attribution toward the label (or value), when the request asked
 *     ("explain": true); absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Prediction(String label, double score, Map<String, Double> probabilities, List<String> labels,
        boolean truncated, Integer windows, Explanation explanation) {

    public Prediction(String label, double score, Map<String, Double> probabilities, List<String> labels,
            boolean truncated, Integer windows) {
        this(label, score, probabilities, labels, truncated, windows, null);
    }

    /** This answer with its explanation. */
    Prediction explained(Explanation why) {
        return new Prediction(label, score, probabilities, labels, truncated, windows, why);
    }
}
