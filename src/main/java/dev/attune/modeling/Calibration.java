package dev.attune.modeling;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Temperature scaling (Guo et al., 2017): logits divided by a temperature fitted on the validation rows, so
 * that served probabilities mean what they say. One temperature for a single-label classifier; one per label
 * for a multi-label one (each label's sigmoid on its own). Kept in config.json under {@value #KEY}; a model
 * without one is served as it is.
 *
 * @param temperature the single-label temperature; null for multi-label
 * @param temperatures the per-label temperatures of a multi-label model, in label order; null otherwise
 * @param eceBefore the expected calibration error on the validation rows before scaling (15 bins)
 * @param eceAfter the same after scaling
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Calibration(Double temperature, List<Double> temperatures, double eceBefore, double eceAfter) {

    /** Where config.json keeps it. */
    public static final String KEY = "calibration";

    /** The temperature of column c. */
    public double temperatureOf(int column) {
        return temperature != null ? temperature : temperatures.get(column);
    }

    /** The logits divided by their temperatures (a new array). */
    public float[][] apply(float[][] logits) {
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
     * sigmoid(z / T) passes sigmoid(logit(t) / T) exactly when sigmoid(z) passes t.
     */
    public List<Double> thresholdsAfter(List<Double> thresholds) {
        if (thresholds == null || temperature != null) {
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
        if (t != null && t.isNumber() && t.asDouble() > 0) {
            return new Calibration(t.asDouble(), null, before, after);
        }
        if (ts != null && ts.isArray() && ts.size() == labels) {
            List<Double> values = new ArrayList<>();
            ts.forEach(v -> values.add(v.asDouble()));
            return values.stream().allMatch(v -> v > 0) ? new Calibration(null, values, before, after) : null;
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
    }
}
