package dev.attune.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.attune.modeling.ModelOutputs;

/**
 * Evaluation figures for a multi-label classifier (a sigmoid per label, a label predicted when its
 * probability reaches its threshold), with scikit-learn's conventions: micro averages pool every
 * (text, label) decision, macro averages are unweighted means over labels, an empty denominator gives 0.
 *
 * @param loss mean binary cross-entropy per (text, label), as training computes it
 * @param subsetAccuracy share of texts whose predicted label set is exactly right
 * @param hammingLoss share of (text, label) decisions that are wrong
 * @param precisionMicro pooled precision
 * @param recallMicro pooled recall
 * @param f1Micro pooled F1
 * @param precisionMacro mean of the labels' precision
 * @param recallMacro mean of the labels' recall
 * @param f1Macro mean of the labels' F1
 * @param rocAucMacro mean ROC-AUC over the labels that have positive and negative texts; null if none has
 * @param f1MicroAtHalf micro F1 with every threshold at 0.5, for comparison
 * @param f1MacroAtHalf macro F1 with every threshold at 0.5, for comparison
 * @param thresholdsTuned whether the thresholds were tuned on these very texts (validation) or given
 * @param perLabel each label's figures and threshold, in label order
 * @param count texts scored
 */
public record MultiLabelMetrics(
        double loss,
        double subsetAccuracy,
        double hammingLoss,
        double precisionMicro,
        double recallMicro,
        double f1Micro,
        double precisionMacro,
        double recallMacro,
        double f1Macro,
        Double rocAucMacro,
        double f1MicroAtHalf,
        double f1MacroAtHalf,
        boolean thresholdsTuned,
        List<LabelMetrics> perLabel,
        int count) implements EvaluationMetrics {

    /**
     * One label's figures.
     *
     * @param label the label
     * @param precision of the texts predicted to have it, the share that has it
     * @param recall of the texts that have it, the share predicted to have it
     * @param f1 harmonic mean of precision and recall
     * @param support texts that have it
     * @param threshold the probability from which it is predicted
     * @param rocAuc area under its ROC curve; null when every text has it or none does
     */
    public record LabelMetrics(String label, double precision, double recall, double f1, int support, double threshold,
            Double rocAuc) {
    }

    /**
     * @param probabilities per text, every label's sigmoid probability
     * @param labelIds per text, the ids of the labels it has
     * @param thresholds per label; null to tune each on these texts for the best F1
     */
    public static MultiLabelMetrics of(float[][] probabilities, int[][] labelIds, double meanLoss, List<String> names,
            double[] thresholds) {
        int n = probabilities.length;
        int labels = names.size();
        boolean[][] truth = new boolean[labels][n];
        float[][] scores = new float[labels][n];
        for (int i = 0; i < n; i++) {
            for (int id : labelIds[i]) {
                truth[id][i] = true;
            }
            for (int c = 0; c < labels; c++) {
                scores[c][i] = probabilities[i][c];
            }
        }
        double[] chosen = thresholds != null ? thresholds.clone() : new double[labels];
        if (thresholds == null) {
            for (int c = 0; c < labels; c++) {
                chosen[c] = bestF1Threshold(scores[c], truth[c]);
            }
        }
        double[] half = new double[labels];
        Arrays.fill(half, ModelOutputs.DEFAULT_THRESHOLD);
        Counts atHalf = Counts.of(scores, truth, half);
        Counts counts = Counts.of(scores, truth, chosen);

        List<LabelMetrics> perLabel = new ArrayList<>();
        double precisionSum = 0;
        double recallSum = 0;
        double f1Sum = 0;
        double aucSum = 0;
        int aucLabels = 0;
        for (int c = 0; c < labels; c++) {
            double precision = ratio(counts.truePositives[c], counts.truePositives[c] + counts.falsePositives[c]);
            double recall = ratio(counts.truePositives[c], counts.truePositives[c] + counts.falseNegatives[c]);
            double f1 = f1(counts.truePositives[c], counts.falsePositives[c], counts.falseNegatives[c]);
            Double auc = ClassificationMetrics.rocAuc(truth[c], scores[c]);
            if (auc != null) {
                aucSum += auc;
                aucLabels++;
            }
            perLabel.add(new LabelMetrics(names.get(c), precision, recall, f1,
                    counts.truePositives[c] + counts.falseNegatives[c], chosen[c], auc));
            precisionSum += precision;
            recallSum += recall;
            f1Sum += f1;
        }
        long tp = Arrays.stream(counts.truePositives).sum();
        long fp = Arrays.stream(counts.falsePositives).sum();
        long fn = Arrays.stream(counts.falseNegatives).sum();
        return new MultiLabelMetrics(meanLoss, ratio(counts.exactTexts, n), ratio(fp + fn, (long) n * labels),
                ratio(tp, tp + fp), ratio(tp, tp + fn), f1(tp, fp, fn),
                precisionSum / labels, recallSum / labels, f1Sum / labels, aucLabels == 0 ? null : aucSum / aucLabels,
                atHalf.microF1(), atHalf.macroF1(), thresholds == null, perLabel, n);
    }

    /**
     * The threshold that maximises F1 for one label on these texts: the texts are ranked by probability,
     * each cut between two distinct probabilities is tried, and the threshold is the midpoint of the best
     * cut. A label no text has keeps 0.5.
     */
    static double bestF1Threshold(float[] scores, boolean[] positive) {
        int n = scores.length;
        int positives = 0;
        for (boolean p : positive) {
            positives += p ? 1 : 0;
        }
        if (positives == 0) {
            return ModelOutputs.DEFAULT_THRESHOLD;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        int truePositives = 0;
        double bestF1 = -1;
        int bestCut = n;
        for (int k = 1; k <= n; k++) { // predict the top k
            truePositives += positive[order[k - 1]] ? 1 : 0;
            boolean distinctCut = k == n || scores[order[k]] < scores[order[k - 1]];
            if (distinctCut) {
                double f1 = 2.0 * truePositives / (k + positives);
                if (f1 > bestF1) {
                    bestF1 = f1;
                    bestCut = k;
                }
            }
        }
        double above = scores[order[bestCut - 1]];
        double below = bestCut < n ? scores[order[bestCut]] : 0;
        return (above + below) / 2;
    }

    /** The thresholds, in label order. */
    @JsonIgnore
    public List<Double> thresholds() {
        return perLabel.stream().map(LabelMetrics::threshold).toList();
    }

    @Override
    public double score(TrainingOptions.MetricForBest metric) {
        return switch (metric) {
            case ACCURACY -> subsetAccuracy;
            case F1_MACRO -> f1Macro;
            case F1_MICRO -> f1Micro;
            case LOSS -> -loss;
            case MAE, RMSE, PEARSON, SPEARMAN -> Double.NaN;
        };
    }

    @Override
    public String summary() {
        return "loss %.4f, F1 macro %.4f micro %.4f (at 0.5: %.4f / %.4f), subset accuracy %.4f".formatted(loss,
                f1Macro, f1Micro, f1MacroAtHalf, f1MicroAtHalf, subsetAccuracy);
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    private static double f1(long tp, long fp, long fn) {
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    /** Per-label decision counts at given thresholds, and how many texts got exactly their label set. */
    private record Counts(int[] truePositives, int[] falsePositives, int[] falseNegatives, int exactTexts) {

        static Counts of(float[][] scores, boolean[][] truth, double[] thresholds) {
            int labels = scores.length;
            int n = labels == 0 ? 0 : scores[0].length;
            int[] tp = new int[labels];
            int[] fp = new int[labels];
            int[] fn = new int[labels];
            boolean[] exact = new boolean[n];
            Arrays.fill(exact, true);
            for (int c = 0; c < labels; c++) {
                for (int i = 0; i < n; i++) {
                    boolean predicted = scores[c][i] >= thresholds[c];
                    if (predicted && truth[c][i]) {
                        tp[c]++;
                    } else if (predicted) {
                        fp[c]++;
                    } else if (truth[c][i]) {
                        fn[c]++;
                    }
                    exact[i] &= predicted == truth[c][i];
                }
            }
            int exactTexts = 0;
            for (boolean e : exact) {
                exactTexts += e ? 1 : 0;
            }
            return new Counts(tp, fp, fn, exactTexts);
        }

        double microF1() {
            return f1(Arrays.stream(truePositives).sum(), Arrays.stream(falsePositives).sum(),
                    Arrays.stream(falseNegatives).sum());
        }

        double macroF1() {
            double sum = 0;
            for (int c = 0; c < truePositives.length; c++) {
                sum += f1(truePositives[c], falsePositives[c], falseNegatives[c]);
            }
            return truePositives.length == 0 ? 0 : sum / truePositives.length;
        }
    }
}
