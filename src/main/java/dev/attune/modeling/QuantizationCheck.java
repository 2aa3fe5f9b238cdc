package dev.attune.modeling;

import com.fasterxml.jackson.annotation.JsonIgnore;


/**
 * What int8 serving costs this model, measured after training on the job's own validation rows: the same
 * metric with the fp32 graph and with the int8 one.
 *
 * @param metric accuracy (single label) or subset accuracy (multi-label)
 * @param fp32 the metric served in fp32
 * @param int8 the metric served in int8
 * @param examples validation rows scored
 * @param error why the check could not run (it then counts as failed: {@code auto} serves fp32 and says why);
 *     null when it ran
 */
public record QuantizationCheck(String metric, double fp32, double int8, int examples, String error) {

    public QuantizationCheck(String metric, double fp32, double int8, int examples) {
        this(metric, fp32, int8, examples, null);
    }

    /** A check that could not run: never a silent fp32, a failed check with its reason. */
    public static QuantizationCheck failed(String metric, String error) {
        return new QuantizationCheck(metric, 0, 0, 0, error);
    }

    /** Points of the metric int8 loses (negative: it gained), as a fraction. */
    public double loss() {
        return fp32 - int8;
    }

    /** Whether {@code auto} may serve this model in int8. */
    @JsonIgnore
    public boolean int8KeepsAccuracy() {
        return error == null && loss() <= ServingPrecision.MAX_INT8_LOSS + 1e-12;
    }
}
