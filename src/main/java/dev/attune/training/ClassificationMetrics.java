package dev.attune.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Evaluation figures for a classifier, with sklearn's conventions: macro averages are unweighted
 * means over all labels; a precision or recall with an empty denominator is 0. {@code confusionMatrix}
 * rows are true labels, columns predictions. {@code rocAuc} only for two labels (label 1 positive).
 *
 * @param loss mean cross-entropy
 * @param accuracy share of texts predicted right
 * @param precisionMacro unweighted mean of the labels' precision
 * @param recallMacro unweighted mean of the labels' recall
 * @param f1Macro unweighted mean of the labels' F1
 * @param perClass each label's figures, in label order
 * @param confusionMatrix counts: rows true labels, columns predicted labels
 * @param rocAuc area under the ROC curve (two labels only; null otherwise)
 * @param count texts scored
 */
public record ClassificationMetrics(
        double loss,
        double accuracy,
        double precisionMacro,
        double recallMacro,
        double f1Macro,
        List<ClassMetrics> perClass,
        int[][] confusionMatrix,
        Double rocAuc,
        int count) implements EvaluationMetrics {

    /**
     * One label's figures.
     *
     * @param label the label
     * @param precision of the texts predicted as this label, the share that has it
     * @param recall of the texts that have this label, the share predicted as it
     * @param f1 harmonic mean of precision and recall
     * @param support texts that have this label
     */
    public record ClassMetrics(String label, double precision, double recall, double f1, int support) {
    }

    /**
     * @param labels true label id per example
     * @param probabilities per example, the softmax over label ids
     * @param meanLoss mean cross-entropy over the examples
     */
    public static ClassificationMetrics of(int[] labels, float[][] probabilities, double meanLoss, List<String> names) {
        int classes = names.size();
        int[][] confusion = new int[classes][classes];
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            int predicted = argmax(probabilities[i]);
            confusion[labels[i]][predicted]++;
            if (predicted == labels[i]) {
                correct++;
            }
        }
        List<ClassMetrics> perClass = new ArrayList<>();
        double precisionSum = 0;
        double recallSum = 0;
        double f1Sum = 0;
        for (int c = 0; c < classes; c++) {
            int truePositives = confusion[c][c];
            int predictedAs = 0;
            int support = 0;
            for (int k = 0; k < classes; k++) {
                predictedAs += confusion[k][c];
                support += confusion[c][k];
            }
            double precision = predictedAs == 0 ? 0 : (double) truePositives / predictedAs;
            double recall = support == 0 ? 0 : (double) truePositives / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.add(new ClassMetrics(names.get(c), precision, recall, f1, support));
            precisionSum += precision;
            recallSum += recall;
            f1Sum += f1;
        }
        Double auc = classes == 2 ? rocAuc(labels, probabilities) : null;
        return new ClassificationMetrics(meanLoss, labels.length == 0 ? 0 : (double) correct / labels.length,
                precisionSum / classes, recallSum / classes, f1Sum / classes, perClass, confusion, auc, labels.length);
    }

    @Override
    public double score(TrainingOptions.MetricForBest metric) {
        return switch (metric) {
            case ACCURACY, F1_MICRO -> accuracy; // with one label per text, micro F1 is the accuracy
            case F1_MACRO -> f1Macro;
            case LOSS -> -loss;
            case MAE, RMSE, PEARSON, SPEARMAN -> Double.NaN;
        };
    }

    @Override
    public String summary() {
        return "loss %.4f, accuracy %.4f, F1 %.4f".formatted(loss, accuracy, f1Macro);
    }

    /** Area under the ROC curve for label 1, by the rank statistic (ties count one half); null if one class is absent. */
    static Double rocAuc(int[] labels, float[][] probabilities) {
        boolean[] positive = new boolean[labels.length];
        float[] scores = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            positive[i] = labels[i] == 1;
            scores[i] = probabilities[i][1];
        }
        return rocAuc(positive, scores);
    }

    /** Area under the ROC curve of {@code scores} for the positives, by the rank statistic; null if one class is absent. */
    static Double rocAuc(boolean[] positive, float[] scores) {
        int n = positive.length;
        double[] ranks = ranks(scores);
        long positives = 0;
        for (boolean p : positive) {
            positives += p ? 1 : 0;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return null;
        }
        double positiveRankSum = 0;
        for (int i = 0; i < n; i++) {
            if (positive[i]) {
                positiveRankSum += ranks[i];
            }
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** 1-based ranks of the values, ties sharing their average rank (as scipy.stats.rankdata). */
    static double[] ranks(float[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(values[a], values[b]));
        double[] ranks = new double[n];
        for (int i = 0; i < n;) {
            int j = i;
            while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
