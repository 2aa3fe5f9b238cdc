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
 */
public record QuantizationCheck(String metric, double fp32, double int8, int examples) {

    /** Points of the metric int8 loses (negative: it gained), as a fraction. */
    public double loss() {
        return fp32 - int8;
    }

    /** Whether {@code auto} may serve this model in int8. */
    @JsonIgnore
    public boolean int8KeepsAccuracy() {
        return loss() <= ServingPrecision.MAX_INT8_LOSS + 1e-12;
    }
}
