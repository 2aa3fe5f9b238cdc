package dev.attune.modeling;

import java.util.ArrayList;
import java.util.List;

/** What a classifier's logits mean, per problem type, and the labels a multi-label model picks. */
public final class ModelOutputs {

    /** A multi-label model's decision threshold for a label that has none tuned. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    private ModelOutputs() {
    }

    /**
     * Softmax probabilities (single label), a sigmoid per label (multi-label), or the logits themselves
     * (regression: one column, the value); one row per text.
     */
    public static float[][] of(float[][] logits, ProblemType problemType) {
        float[][] outputs = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            outputs[i] = switch (problemType) {
                case SINGLE_LABEL_CLASSIFICATION -> softmax(logits[i]);
                case MULTI_LABEL_CLASSIFICATION -> sigmoid(logits[i]);
                case REGRESSION -> logits[i].clone();
            };
        }
        return outputs;
    }

    /** The indices of the labels whose probability reaches its threshold (tuned, else the default). */
    public static List<Integer> chosen(float[] probabilities, List<Double> thresholds) {
        List<Integer> chosen = new ArrayList<>();
        for (int c = 0; c < probabilities.length; c++) {
            if (probabilities[c] >= (thresholds == null ? DEFAULT_THRESHOLD : thresholds.get(c))) {
                chosen.add(c);
            }
        }
        return chosen;
    }

    /** Splits a flat row-major (B × C) array into rows. */
    static float[][] rows(float[] flat, int batch, int columns) {
        float[][] rows = new float[batch][columns];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(flat, i * columns, rows[i], 0, columns);
        }
        return rows;
    }

    /** Softmax of one row of logits, computed in double precision. */
    public static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        double[] exps = new double[logits.length];
        for (int c = 0; c < logits.length; c++) {
            exps[c] = Math.exp(logits[c] - max);
            sum += exps[c];
        }
        float[] probabilities = new float[logits.length];
        for (int c = 0; c < logits.length; c++) {
            probabilities[c] = (float) (exps[c] / sum);
        }
        return probabilities;
    }

    private static float[] sigmoid(float[] logits) {
        float[] probabilities = new float[logits.length];
        for (int c = 0; c < logits.length; c++) {
            probabilities[c] = (float) (1 / (1 + Math.exp(-logits[c])));
        }
        return probabilities;
    }
}
