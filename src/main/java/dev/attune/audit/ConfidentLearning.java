package dev.attune.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Confident learning (Northcutt, Jiang and Chuang, 2021) as cleanlab's {@code filter.find_label_issues} does it with its
 * defaults ({@code filter_by="prune_by_noise_rate"}, {@code frac_noise=1}, {@code min_examples_per_class=1}): per-class
 * thresholds (the mean self-confidence of the rows given that class), the calibrated confident joint, and for every
 * off-diagonal cell (given i, true j) the rows given i with the largest margin p(j) - p(i), as many as the cell counts;
 * a row whose most probable class is its given label is never an issue. Issues are ranked as
 * {@code return_indices_ranked_by} ranks them: lowest label-quality score first, ties in row order.
 */
final class ConfidentLearning {

    /** cleanlab's floor on a threshold (CONFIDENT_THRESHOLDS_LOWER_BOUND). */
    private static final double MIN_THRESHOLD = 2e-6;
    /** cleanlab's threshold for a class no row is given: above every probability. */
    private static final double NO_ROWS_THRESHOLD = 2;
    private static final double TINY = 1e-100;

    private ConfidentLearning() {
    }

    /** How suspects are ordered: cleanlab's label-quality scores, lowest (most suspect) first. */
    enum RankBy {
        /** p(given label). */
        SELF_CONFIDENCE,
        /** (p(given label) - max p(other label) + 1) / 2. */
        NORMALIZED_MARGIN
    }

    /**
     * A row flagged as a label issue.
     *
     * @param row its position in the probabilities given
     * @param given its label's id
     * @param suggested the most probable class (never the given one)
     * @param selfConfidence p(given)
     * @param normalizedMargin (p(given) - max p(other) + 1) / 2
     */
    record Issue(int row, int given, int suggested, double selfConfidence, double normalizedMargin) {
    }

    /**
     * @param thresholds per class, the mean p(class) over the rows given it
     * @param confidentJoint calibrated counts, [given][true]: each row sums to the rows given that class
     * @param issues the flagged rows, most suspect first
     */
    record Result(double[] thresholds, int[][] confidentJoint, List<Issue> issues) {
    }

    /**
     * @param labels each row's given class id, 0 to K-1
     * @param probs each row's out-of-sample probabilities over the K classes
     */
    static Result findLabelIssues(int[] labels, double[][] probs, RankBy rankBy) {
        int n = labels.length;
        int k = probs.length == 0 ? 0 : probs[0].length;
        int[] counts = new int[k];
        for (int label : labels) {
            counts[label]++;
        }
        double[] thresholds = thresholds(labels, probs, k);
        int[][] joint = calibrate(confidentJoint(labels, probs, thresholds, k), counts, n);
        int[][] prune = keepAtLeastOnePerClass(transpose(joint)); // [true][given]
        boolean[] issue = new boolean[n];
        for (int given = 0; given < k; given++) {
            if (counts[given] <= 1) {
                continue; // min_examples_per_class: a class of one row is never pruned
            }
            for (int truth = 0; truth < k; truth++) {
                int prunes = prune[truth][given];
                if (truth == given || prunes <= 0) {
                    continue;
                }
                // the `prunes` rows given `given` with the largest p(truth) - p(given) (ties at the cut included)
                List<Double> margins = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (labels[i] == given) {
                        margins.add(probs[i][truth] - probs[i][given]);
                    }
                }
                margins.sort(Comparator.reverseOrder());
                double cut = margins.get(Math.min(prunes, margins.size()) - 1);
                for (int i = 0; i < n; i++) {
                    if (labels[i] == given && probs[i][truth] - probs[i][given] >= cut) {
                        issue[i] = true;
                    }
                }
            }
        }
        List<Issue> issues = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int predicted = argmax(probs[i]);
            if (issue[i] && predicted != labels[i]) {
                issues.add(new Issue(i, labels[i], predicted, probs[i][labels[i]], normalizedMargin(probs[i], labels[i])));
            }
        }
        Comparator<Issue> order = rankBy == RankBy.NORMALIZED_MARGIN
                ? Comparator.comparingDouble(Issue::normalizedMargin) : Comparator.comparingDouble(Issue::selfConfidence);
        issues.sort(order); // a stable sort: ties stay in row order
        return new Result(thresholds, joint, issues);
    }

    /** Per class: the mean of p(class) over the rows given it (2 for a class no row is given), at least 1e-6. */
    static double[] thresholds(int[] labels, double[][] probs, int k) {
        double[] sums = new double[k];
        int[] counts = new int[k];
        for (int i = 0; i < labels.length; i++) {
            sums[labels[i]] += probs[i][labels[i]];
            counts[labels[i]]++;
        }
        double[] thresholds = new double[k];
        for (int c = 0; c < k; c++) {
            thresholds[c] = Math.max(MIN_THRESHOLD, counts[c] == 0 ? NO_ROWS_THRESHOLD : sums[c] / counts[c]);
        }
        return thresholds;
    }

    /**
     * Counts [given][true]: a row is counted at the class it reaches the threshold of (of several, its most probable
     * class); a row that reaches none is not counted. Every diagonal cell is at least 1.
     */
    static int[][] confidentJoint(int[] labels, double[][] probs, double[] thresholds, int k) {
        int[][] joint = new int[k][k];
        for (int i = 0; i < labels.length; i++) {
            int confident = 0;
            int first = -1;
            for (int c = 0; c < k; c++) {
                if (probs[i][c] >= thresholds[c] - 1e-6) {
                    confident++;
                    first = first < 0 ? c : first;
                }
            }
            if (confident > 0) {
                joint[labels[i]][confident > 1 ? argmax(probs[i]) : first]++;
            }
        }
        for (int c = 0; c < k; c++) {
            joint[c][c] = Math.max(1, joint[c][c]);
        }
        return joint;
    }

    /** cleanlab's calibrate_confident_joint: each row scaled to its class's row count, the whole to n, rounded by row. */
    static int[][] calibrate(int[][] joint, int[] counts, int n) {
        int k = joint.length;
        double[][] scaled = new double[k][k];
        double total = 0;
        for (int i = 0; i < k; i++) {
            double rowSum = Math.max(TINY, Arrays.stream(joint[i]).sum());
            for (int j = 0; j < k; j++) {
                scaled[i][j] = joint[i][j] / rowSum * counts[i];
                total += scaled[i][j];
            }
        }
        int[][] calibrated = new int[k][];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                scaled[i][j] = scaled[i][j] / Math.max(TINY, total) * n;
            }
            calibrated[i] = roundPreservingSum(scaled[i]);
        }
        return calibrated;
    }

    /** cleanlab's _keep_at_least_n_per_class with n = 1 and frac_noise = 1, on the [true][given] prune counts. */
    static int[][] keepAtLeastOnePerClass(int[][] prune) {
        int k = prune.length;
        double[][] kept = new double[k][k];
        for (int col = 0; col < k; col++) {
            int diagonal = prune[col][col];
            int raised = Math.max(diagonal, 1) - diagonal;
            int nonZero = 0;
            for (int row = 0; row < k; row++) {
                nonZero += prune[row][col] != 0 ? 1 : 0;
            }
            double perNoiseRate = raised / Math.max(nonZero - 1.0, 1.0);
            for (int row = 0; row < k; row++) {
                kept[row][col] = row == col ? Math.max(diagonal, 1) : Math.max(0, prune[row][col] - perNoiseRate);
            }
        }
        int[][] counts = new int[k][];
        for (int row = 0; row < k; row++) {
            double[] truncated = Arrays.stream(kept[row]).map(v -> (int) v).toArray(); // _reduce_prune_counts' astype(int)
            counts[row] = roundPreservingSum(truncated);
        }
        return counts;
    }

    /**
     * cleanlab's round_preserving_sum: each value rounded (half to even, as numpy), then the cells furthest from their
     * rounding moved by one until the integers sum to the rounded total.
     */
    static int[] roundPreservingSum(double[] floats) {
        long[] ints = Arrays.stream(floats).mapToLong(Math::round).toArray();
        for (int i = 0; i < floats.length; i++) {
            ints[i] = (long) Math.rint(floats[i]);
        }
        long target = (long) Math.rint(Arrays.stream(floats).sum());
        long sum = Arrays.stream(ints).sum();
        while (sum != target) {
            int increment = target < sum ? -1 : 1;
            int changes = (int) Math.min(Math.abs(target - sum), floats.length);
            // numpy's argsort of (floats - ints), stable: reversed for an increment (largest first)
            Integer[] order = IntStream.range(0, floats.length).boxed().toArray(Integer[]::new);
            long[] current = ints;
            Arrays.sort(order, Comparator.comparingDouble(i -> floats[i] - current[i]));
            for (int c = 0; c < changes; c++) {
                int index = increment > 0 ? order[order.length - 1 - c] : order[c];
                ints[index] += increment;
            }
            sum = Arrays.stream(ints).sum();
        }
        return Arrays.stream(ints).mapToInt(v -> (int) v).toArray();
    }

    static int argmax(double[] values) {
        int best = 0;
        for (int c = 1; c < values.length; c++) {
            if (values[c] > values[best]) {
                best = c;
            }
        }
        return best;
    }

    static double normalizedMargin(double[] probs, int label) {
        double other = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < probs.length; c++) {
            if (c != label) {
                other = Math.max(other, probs[c]);
            }
        }
        return (probs[label] - other + 1) / 2;
    }

    private static int[][] transpose(int[][] matrix) {
        int k = matrix.length;
        int[][] transposed = new int[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                transposed[j][i] = matrix[i][j];
            }
        }
        return transposed;
    }
}
