package dev.attune.serving;

import java.util.Map;

/**
 * One text's answer.
 *
 * @param label the most probable label
 * @param score that label's probability
 * @param probabilities every label's probability (they sum to 1)
 * @param truncated whether the text was cut to the model's maxLength tokens
 */
public record Prediction(String label, double score, Map<String, Double> probabilities, boolean truncated) {
}
