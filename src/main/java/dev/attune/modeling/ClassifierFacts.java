package dev.attune.modeling;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * What every {@link TextClassifier} carries besides its weights, whatever engine runs it: how it reads texts (its
 * config, tokenizer, long-text rule and trained maxLength) and how it turns logits into answers (thresholds,
 * calibration). Immutable: a model whose training sets one of them holds a new copy ({@code with...}).
 *
 * @param thresholds a multi-label model's threshold per label, in label order; null for other models or before tuning
 * @param calibration the temperatures its probabilities are scaled by; null: served as the logits give them
 * @param windowRule how it reads a text longer than its maxLength; truncation by default
 * @param trainedLength the maxLength it was trained with ({@link TrainedLength}); null: its tokenizer's limit
 */
public record ClassifierFacts(ModelConfig config, TextEncoder textEncoder, List<Double> thresholds,
        Calibration calibration, WindowRule windowRule, Integer trainedLength) {

    /** The facts its config.json keeps (thresholds, calibration, long-text rule, trained maxLength). */
    public static ClassifierFacts read(ModelConfig config, TextEncoder textEncoder) {
        JsonNode raw = config.raw();
        return new ClassifierFacts(config, textEncoder, config.thresholds(), Calibration.read(raw, config.numLabels()),
                WindowRule.read(raw), TrainedLength.read(raw));
    }

    /** The tokens it reads per text (per window): the trained maxLength, else its tokenizer's model_max_length. */
    public int maxLength() {
        return TrainedLength.of(trainedLength, textEncoder);
    }

    /** With these per-label thresholds (copied; null: none); one per label or an IllegalArgumentException. */
    public ClassifierFacts withThresholds(List<Double> perLabel) {
        if (perLabel != null && perLabel.size() != config.numLabels()) {
            throw new IllegalArgumentException(perLabel.size() + " thresholds for " + config.numLabels() + " labels");
        }
        return new ClassifierFacts(config, textEncoder, perLabel == null ? null : List.copyOf(perLabel), calibration,
                windowRule, trainedLength);
    }

    public ClassifierFacts withCalibration(Calibration fitted) {
        return new ClassifierFacts(config, textEncoder, thresholds, fitted, windowRule, trainedLength);
    }

    /** With this long-text rule; null: truncation. */
    public ClassifierFacts withWindowRule(WindowRule rule) {
        return new ClassifierFacts(config, textEncoder, thresholds, calibration, rule == null ? WindowRule.TRUNCATE
                : rule, trainedLength);
    }

    public ClassifierFacts withTrainedLength(Integer maxLength) {
        return new ClassifierFacts(config, textEncoder, thresholds, calibration, windowRule, maxLength);
    }
}
