package dev.attune.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;

import dev.attune.modeling.Calibration;
import dev.attune.modeling.ModelOutputs;
import dev.attune.modeling.ProblemType;
import dev.attune.modeling.TextClassifier;
import dev.attune.modeling.WindowRule;

/**
 * Fits temperature scaling after training and judges it on validation rows it was not fitted on. The validation
 * rows are split in two by the run's seed: the temperature that minimizes the negative log-likelihood of the best
 * weights' logits is fitted on one part (single label: softmax of logits / T; multi-label: each label's sigmoid with
 * its own T), and the expected calibration error (15 equal-width bins; multi-label: over every (row, label)
 * probability) is measured before and after on the other. It is applied only when it lowered that error.
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

    /** The calibration, or null for a regression or fewer than two validation rows (nothing to judge it on). */
    static Calibration fit(TextClassifier model, TokenizedExamples validation, ProblemType type, long seed) {
        if (type == ProblemType.REGRESSION || validation.size() < 2) {
            return null;
        }
        return fit(logitsOf(model, validation), validation.targets().labelIds(), type, seed);
    }

    /**
     * As {@link #fit(TextClassifier, TokenizedExamples, ProblemType, long)} on the validation texts read as the model
     * serves them ({@link WindowedScoring}: its long-text rule, sliding windows averaged).
     */
    static Calibration fit(TextClassifier model, List<Example> validation, int maxLength, WindowRule rule,
            ProblemType type, long seed) {
        if (type == ProblemType.REGRESSION || validation.size() < 2) {
            return null;
        }
        return fit(WindowedScoring.logits(model, validation, maxLength, rule), Targets.of(validation).labelIds(), type,
                seed);
    }

    /**
     * Fitted on a part of these rows drawn by {@code seed} (half, rounded down), judged on the others: applied only
     * when the expected calibration error there is lower after scaling than before.
     */
    static Calibration fit(float[][] logits, int[][] labels, ProblemType type, long seed) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, logits.length).boxed().toList());
        Collections.shuffle(order, new Random(seed));
        int[] fitted = order.subList(0, logits.length / 2).stream().mapToInt(Integer::intValue).toArray();
        int[] measured = order.subList(logits.length / 2, logits.length).stream().mapToInt(Integer::intValue).toArray();
        double[] t = temperatures(rows(logits, fitted), rows(labels, fitted), type);
        float[][] heldLogits = rows(logits, measured);
        int[][] heldLabels = rows(labels, measured);
        double[] ones = new double[t.length];
        Arrays.fill(ones, 1);
        double before = ece(heldLogits, heldLabels, type, ones);
        double after = ece(heldLogits, heldLabels, type, t);
        boolean helps = after < before;
        String reason = (helps ? "applied: it lowered the expected calibration error on %d held-out validation rows "
                + "from %.4f to %.4f (fitted on %d other rows)" : "not applied: it did not lower the expected "
                + "calibration error on %d held-out validation rows (%.4f -> %.4f; fitted on %d other rows), so "
                + "scores are served uncalibrated").formatted(measured.length, before, after, fitted.length);
        boolean single = type == ProblemType.SINGLE_LABEL_CLASSIFICATION;
        return new Calibration(single ? t[0] : null, single ? null : Arrays.stream(t).boxed().toList(), before, after,
                helps, fitted.length, measured.length, reason);
    }

    /**
     * The temperatures that minimize the negative log-likelihood of these rows: one, or one per label (1 for a
     * label these rows all have, or none has).
     */
    static double[] temperatures(float[][] logits, int[][] labels, ProblemType type) {
        if (type == ProblemType.SINGLE_LABEL_CLASSIFICATION) {
            return new double[] {minimize(logT -> softmaxNll(logits, labels, Math.exp(logT)))};
        }
        double[] temperatures = new double[logits[0].length];
        for (int c = 0; c < temperatures.length; c++) {
            int column = c;
            long present = Arrays.stream(labels).filter(row -> has(row, column)).count();
            // a label present in every row or in none has nothing to be calibrated against: its likelihood only
            // grows as its temperature falls, to the search's bound; it is left as it is
            temperatures[c] = present == 0 || present == labels.length ? 1
                    : minimize(logT -> sigmoidNll(logits, labels, column, Math.exp(logT)));
        }
        return temperatures;
    }

    /** The expected calibration error of these rows with these temperatures (one, or one per label). */
    static double ece(float[][] logits, int[][] labels, ProblemType type, double[] temperatures) {
        return type == ProblemType.SINGLE_LABEL_CLASSIFICATION ? softmaxEce(logits, labels, temperatures[0])
                : sigmoidEce(logits, labels, temperatures);
    }

    private static float[][] rows(float[][] all, int[] indices) {
        return Arrays.stream(indices).mapToObj(i -> all[i]).toArray(float[][]::new);
    }

    private static int[][] rows(int[][] all, int[] indices) {
        return Arrays.stream(indices).mapToObj(i -> all[i]).toArray(int[][]::new);
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
    private static double softmaxEce(float[][] logits, int[][] labels, double t) {
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
