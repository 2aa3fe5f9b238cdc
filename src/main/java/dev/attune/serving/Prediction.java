package dev.attune.serving;

import java.util.Map;

/** One text's answer: the most probable label, its probability, all probabilities, and whether the text was cut. */
public record Prediction(String label, double score, Map<String, Double> probabilities, boolean truncated) {
}
