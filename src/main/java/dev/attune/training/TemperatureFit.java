package dev.attune.training;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

import dev.attune.modeling.Calibration;
import dev.attune.modeling.ModelOutputs;
import dev.attune.modeling.ProblemType;
import dev.attune.modeling.TextClassifier;

/**
 * Fits temperature scaling on the validation rows after training: the temperature that minimizes the
 * negative log-likelihood of the best weights' validation logits (single label: softmax of logits / T; multi-label:
 * each label's sigmoid with its own T), and the expected calibration error before and after (15 equal-width
 * bins; multi-label: over every (row, label) probability).
 */
final class TemperatureFit {

    private static final int BATCH = 64;
    private static final int BINS = 15;
    /**
     * log T is searched in [-ln 8, ln 8]: temperatures from 1/8 to 8. Bounded: on a small validation set the
     * model may separate every row, and the likelihood then only grows as T falls to 0.
     */
    private static final double LOG_T_RANGE = Math.log(8);

    private TemperatureFit() {
    }

    /** The calibration, or null for a regression or an empty validation set. */
    static Calibration fit(TextClassifier model, TokenizedExamples validation, ProblemType type) {
        if (type == ProblemType.REGRESSION || validation.size() == 0) {
            return null;
        }
        return fit(logitsOf(model, validation), validation.targets().labelIds(), type);
    }

    /** The calibration of these logits against these label ids. */
    static Calibration fit(float[][] logits, int[][] labels, ProblemType type) {
        if (type == ProblemType.SINGLE_LABEL_CLASSIFICATION) {
            double t = minimize(logT -> softmaxNll(logits, labels, Math.exp(logT)));
            return new Calibration(t, null, softmaxEce(logits, labels, 1), softmaxEce(logits, labels, t));
        }
        int columns = logits[0].length;
        List<Double> temperatures = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            int column = c;
            temperatures.add(minimize(logT -> sigmoidNll(logits, labels, column, Math.exp(logT))));
        }
        double[] ones = new double[columns];
        java.util.Arrays.fill(ones, 1);
        return new Calibration(null, temperatures, sigmoidEce(logits, labels, ones),
                sigmoidEce(logits, labels, temperatures.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    private static float[][] logitsOf(TextClassifier model, TokenizedExamples examples) {
        float[][] logits = new float[examples.size()][];
        for (int from = 0; from < examples.size(); from += BATCH) {
            int[] indices = java.util.stream.IntStream.range(from, Math.min(examples.size(), from + BATCH)).toArray();
            float[][] rows = model.logits(examples.batch(indices));
            System.arraycopy(rows, 0, logits, from, rows.length);
        }
        return logits;
    }

    /** Golden-section search of a function of log T that is unimodal there; returns T. */
    private static double minimize(DoubleUnaryOperator lossOfLogT) {
        double phi = (Math.sqrt(5) - 1) / 2;
        double a = -LOG_T_RANGE;
        double b = LOG_T_RANGE;
        double c = b - phi * (b - a);
        double d = a + phi * (b - a);
        double fc = lossOfLogT.applyAsDouble(c);
        double fd = lossOfLogT.applyAsDouble(d);
        for (int i = 0; i < 60; i++) {
            if (fc < fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - phi * (b - a);
                fc = lossOfLogT.applyAsDouble(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + phi * (b - a);
                fd = lossOfLogT.applyAsDouble(d);
            }
        }
        return Math.exp((a + b) / 2);
    }

    private static double softmaxNll(float[][] logits, int[][] labels, double t) {
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            sum -= Math.log(Math.max(scaledSoftmax(logits[i], t)[labels[i][0]], 1e-12));
        }
        return sum / logits.length;
    }

    private static double sigmoidNll(float[][] logits, int[][] labels, int column, double t) {
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            double p = sigmoid(logits[i][column] / t);
            sum -= has(labels[i], column) ? Math.log(Math.max(p, 1e-12)) : Math.log(Math.max(1 - p, 1e-12));
        }
        return sum / logits.length;
    }

    /** Confidence (top probability) against accuracy, bin by bin. */
    static double softmaxEce(float[][] logits, int[][] labels, double t) {
        double[] confidence = new double[logits.length];
        boolean[] right = new boolean[logits.length];
        for (int i = 0; i < logits.length; i++) {
            float[] p = scaledSoftmax(logits[i], t);
            int top = 0;
            for (int c = 1; c < p.length; c++) {
                top = p[c] > p[top] ? c : top;
            }
            confidence[i] = p[top];
            right[i] = top == labels[i][0];
        }
        return ece(confidence, right);
    }

    /** Every (row, label) probability against whether the label is there, bin by bin. */
    private static double sigmoidEce(float[][] logits, int[][] labels, double[] temperatures) {
        int columns = logits[0].length;
        double[] probability = new double[logits.length * columns];
        boolean[] present = new boolean[probability.length];
        for (int i = 0; i < logits.length; i++) {
            for (int c = 0; c < columns; c++) {
                probability[i * columns + c] = sigmoid(logits[i][c] / temperatures[c]);
                present[i * columns + c] = has(labels[i], c);
            }
        }
        return ece(probability, present);
    }

    /** Expected calibration error: the gap between mean confidence and frequency, weighted by bin size. */
    static double ece(double[] confidence, boolean[] outcome) {
        double[] sumConfidence = new double[BINS];
        double[] sumOutcome = new double[BINS];
        int[] count = new int[BINS];
        for (int i = 0; i < confidence.length; i++) {
            int bin = Math.min(BINS - 1, (int) (confidence[i] * BINS));
            sumConfidence[bin] += confidence[i];
            sumOutcome[bin] += outcome[i] ? 1 : 0;
            count[bin]++;
        }
        double ece = 0;
        for (int b = 0; b < BINS; b++) {
            if (count[b] > 0) {
                ece += Math.abs(sumConfidence[b] - sumOutcome[b]) / confidence.length;
            }
        }
        return ece;
    }

    private static float[] scaledSoftmax(float[] logits, double t) {
        float[] scaled = new float[logits.length];
        for (int c = 0; c < logits.length; c++) {
            scaled[c] = (float) (logits[c] / t);
        }
        return ModelOutputs.softmax(scaled);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static boolean has(int[] labels, int column) {
        for (int label : labels) {
            if (label == column) {
                return true;
            }
        }
        return false;
    }
}
