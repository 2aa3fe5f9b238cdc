package dev.attune.modeling;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Temperature scaling (Guo et al., 2017): logits divided by a temperature fitted on validation rows, so that served
 * probabilities mean what they say. One temperature for a single-label classifier; one per label for a multi-label
 * one (each label's sigmoid on its own). Fitted on part of the validation rows and judged on the others: it is
 * applied only when it lowered the expected calibration error there; otherwise it is kept for the record, with the
 * reason, and the model serves uncalibrated probabilities. Kept in config.json under {@value #KEY}; a model without
 * one is served as it is.
 *
 * @param temperature the single-label temperature; null for multi-label
 * @param temperatures the per-label temperatures of a multi-label model, in label order; null otherwise
 * @param eceBefore the expected calibration error (15 bins) before scaling, on the measured rows
 * @param eceAfter the same after scaling
 * @param applied whether served probabilities are scaled; null (a model calibrated before this was judged): yes
 * @param fitRows how many validation rows the temperature was fitted on; null before it was judged
 * @param measuredRows how many other validation rows the errors were measured on; null: the fitted rows themselves
 * @param reason why it is applied or not, in words; null before it was judged
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Calibration(Double temperature, List<Double> temperatures, double eceBefore, double eceAfter,
        Boolean applied, Integer fitRows, Integer measuredRows, String reason) {

    /** Where config.json keeps it. */
    public static final String KEY = "calibration";

    /** Whether served probabilities are scaled by it (not when it did not help on the held-out rows). */
    public boolean inEffect() {
        return applied == null || applied;
    }

    /** The temperature of column c. */
    public double temperatureOf(int column) {
        return temperature != null ? temperature : temperatures.get(column);
    }

    /** The logits divided by their temperatures (a new array); the logits themselves when it is not in effect. */
    public float[][] apply(float[][] logits) {
        if (!inEffect()) {
            return logits;
        }
        float[][] scaled = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            scaled[i] = new float[logits[i].length];
            for (int c = 0; c < logits[i].length; c++) {
                scaled[i][c] = (float) (logits[i][c] / temperatureOf(c));
            }
        }
        return scaled;
    }

    /**
     * A multi-label model's decision thresholds in calibrated probabilities: the same decisions, since a label's
     * sigmoid(z / T) passes sigmoid(logit(t) / T) exactly when sigmoid(z) passes t. Unchanged when not in effect.
     */
    public List<Double> thresholdsAfter(List<Double> thresholds) {
        if (thresholds == null || temperature != null || !inEffect()) {
            return thresholds;
        }
        List<Double> scaled = new ArrayList<>();
        for (int c = 0; c < thresholds.size(); c++) {
            double t = Math.min(Math.max(thresholds.get(c), 1e-6), 1 - 1e-6);
            scaled.add(1 / (1 + Math.exp(-Math.log(t / (1 - t)) / temperatures.get(c))));
        }
        return scaled;
    }

    /** The calibration a config.json holds; null when it holds none (or one that does not fit its labels). */
    public static Calibration read(JsonNode config, int labels) {
        JsonNode node = config.get(KEY);
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode t = node.get("temperature");
        JsonNode ts = node.get("temperatures");
        double before = node.path("eceBefore").asDouble(Double.NaN);
        double after = node.path("eceAfter").asDouble(Double.NaN);
        Boolean applied = node.path("applied").isBoolean() ? node.get("applied").asBoolean() : null;
        Integer fitRows = node.path("fitRows").isInt() ? node.get("fitRows").asInt() : null;
        Integer measuredRows = node.path("measuredRows").isInt() ? node.get("measuredRows").asInt() : null;
        String reason = node.path("reason").isString() ? node.get("reason").asString() : null;
        if (t != null && t.isNumber() && t.asDouble() > 0) {
            return new Calibration(t.asDouble(), null, before, after, applied, fitRows, measuredRows, reason);
        }
        if (ts != null && ts.isArray() && ts.size() == labels) {
            List<Double> values = new ArrayList<>();
            ts.forEach(v -> values.add(v.asDouble()));
            return values.stream().allMatch(v -> v > 0)
                    ? new Calibration(null, values, before, after, applied, fitRows, measuredRows, reason) : null;
        }
        return null;
    }

    /** Writes it into a config.json object. */
    public void writeTo(ObjectNode config) {
        ObjectNode node = config.putObject(KEY);
        if (temperature != null) {
            node.put("temperature", temperature);
        } else {
            temperatures.forEach(node.putArray("temperatures")::add);
        }
        node.put("eceBefore", eceBefore);
        node.put("eceAfter", eceAfter);
        if (applied != null) {
            node.put("applied", applied);
            node.put("fitRows", fitRows);
            node.put("measuredRows", measuredRows);
            node.put("reason", reason);
        }
    }
}
