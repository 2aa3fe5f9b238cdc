package dev.attune.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Confident learning against an example computed by hand, step by step as cleanlab's find_label_issues computes it
 * (thresholds, raw and calibrated confident joint, pruning, ranking).
 */
class ConfidentLearningTest {

    /** Given labels: three of class 0, three of class 1, two of class 2. */
    private static final int[] LABELS = {0, 0, 0, 1, 1, 1, 2, 2};
    private static final double[][] PROBS = {
        {0.9, 0.05, 0.05},
        {0.8, 0.1, 0.1},
        {0.1, 0.5, 0.4}, // given 0, looks like 1: an issue
        {0.1, 0.8, 0.1},
        {0.35, 0.45, 0.2}, // given 1, confident of nothing
        {0.8, 0.2, 0.0}, // given 1, looks like 0: an issue
        {0.1, 0.1, 0.8},
        {0.2, 0.2, 0.6}, // given 2, below class 2's threshold: confident of nothing
    };

    @Test
    void thresholdsAreEachClassesMeanSelfConfidence() {
        double[] thresholds = ConfidentLearning.thresholds(LABELS, PROBS, 3);
        assertThat(thresholds[0]).isCloseTo((0.9 + 0.8 + 0.1) / 3, within(1e-12)); // 0.6
        assertThat(thresholds[1]).isCloseTo((0.8 + 0.45 + 0.2) / 3, within(1e-12)); // 0.48333
        assertThat(thresholds[2]).isCloseTo((0.8 + 0.6) / 2, within(1e-12)); // 0.7
        assertThat(ConfidentLearning.thresholds(new int[] {0, 0}, new double[][] {{0.9, 0.1}, {0.7, 0.3}}, 2)[1])
                .as("a class no row is given: cleanlab's 2").isEqualTo(2.0);
    }

    @Test
    void theConfidentJointCountsRowsAtTheClassTheyReachAndIsCalibratedToTheLabelCounts() {
        double[] thresholds = ConfidentLearning.thresholds(LABELS, PROBS, 3);
        int[][] raw = ConfidentLearning.confidentJoint(LABELS, PROBS, thresholds, 3);
        // row 2 (given 0) reaches only class 1's 0.4833; row 5 (given 1) class 0's 0.6; rows 4 and 7 reach none
        assertThat(raw).isEqualTo(new int[][] {{2, 1, 0}, {1, 1, 0}, {0, 0, 1}});
        // rows scaled to the label counts 3, 3, 2: [2,1,0], [1.5,1.5,0], [0,0,2]; the total is already 8.
        // [1.5, 1.5, 0] rounds (half to even) to [2, 2, 0] = 4, one too many: the cell rounded up most (the first
        // of the tie, as numpy's stable argsort) gives one back
        int[][] calibrated = ConfidentLearning.calibrate(raw, new int[] {3, 3, 2}, 8);
        assertThat(calibrated).isEqualTo(new int[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, 2}});
    }

    @Test
    void issuesAreTheLargestMarginsOfEachOffDiagonalCountRankedBySelfConfidence() {
        ConfidentLearning.Result result = ConfidentLearning.findLabelIssues(LABELS, PROBS,
                ConfidentLearning.RankBy.SELF_CONFIDENCE);
        assertThat(result.confidentJoint()).isEqualTo(new int[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, 2}});
        // cell (given 0, true 1) = 1: of rows 0-2, the largest p1 - p0 is row 2's 0.4; (given 1, true 0) = 1: of
        // rows 3-5 the largest p0 - p1 is row 5's 0.6. Self-confidence: row 2's 0.1 before row 5's 0.2
        List<ConfidentLearning.Issue> issues = result.issues();
        assertThat(issues).extracting(ConfidentLearning.Issue::row).containsExactly(2, 5);
        assertThat(issues.get(0).given()).isZero();
        assertThat(issues.get(0).suggested()).isEqualTo(1);
        assertThat(issues.get(0).selfConfidence()).isEqualTo(0.1);
        assertThat(issues.get(0).normalizedMargin()).isCloseTo((0.1 - 0.5 + 1) / 2, within(1e-12)); // 0.3
        assertThat(issues.get(1).given()).isEqualTo(1);
        assertThat(issues.get(1).suggested()).isZero();
        assertThat(issues.get(1).normalizedMargin()).isCloseTo((0.2 - 0.8 + 1) / 2, within(1e-12)); // 0.2
    }

    @Test
    void theNormalisedMarginRanksOtherwise() {
        ConfidentLearning.Result result = ConfidentLearning.findLabelIssues(LABELS, PROBS,
                ConfidentLearning.RankBy.NORMALIZED_MARGIN);
        assertThat(result.issues()).extracting(ConfidentLearning.Issue::row).containsExactly(5, 2);
    }

    @Test
    void aRowPredictedAsItsGivenLabelIsNeverAnIssue() {
        // the joint asks for one prune in (given 0, true 1), but no row given 0 has class 1 most probable
        int[] labels = {0, 0, 0, 1, 1};
        double[][] probs = {{0.9, 0.1}, {0.95, 0.05}, {0.55, 0.45}, {0.2, 0.8}, {0.3, 0.7}};
        // thresholds: 0.8, 0.75; row 2 reaches neither, so the joint's off-diagonal is 0: no issue at all
        assertThat(ConfidentLearning.findLabelIssues(labels, probs, ConfidentLearning.RankBy.SELF_CONFIDENCE).issues())
                .isEmpty();
        double[][] flipped = {{0.9, 0.1}, {0.95, 0.05}, {0.1, 0.9}, {0.2, 0.8}, {0.3, 0.7}};
        assertThat(ConfidentLearning.findLabelIssues(labels, flipped, ConfidentLearning.RankBy.SELF_CONFIDENCE)
                .issues()).extracting(ConfidentLearning.Issue::row).containsExactly(2);
    }

    @Test
    void roundingPreservesTheSumAsCleanlabDoes() {
        assertThat(ConfidentLearning.roundPreservingSum(new double[] {1.5, 1.5, 0})).containsExactly(1, 2, 0);
        // rounded down to 0 + 0 + 0 = 0 but the sum is 1: the cell rounded down most (the last of the tie) gets it
        assertThat(ConfidentLearning.roundPreservingSum(new double[] {0.4, 0.4, 0.2})).containsExactly(0, 1, 0);
        assertThat(ConfidentLearning.roundPreservingSum(new double[] {2.6, 0.2, 1.2})).containsExactly(3, 0, 1);
    }

    @Test
    void everyDiagonalKeepsAtLeastOneRow() {
        // [true][given]: class 1's diagonal 0 raised to 1, taken evenly from its column's non-zero noise rates
        int[][] kept = ConfidentLearning.keepAtLeastOnePerClass(new int[][] {{3, 2}, {1, 0}});
        assertThat(kept).isEqualTo(new int[][] {{3, 1}, {1, 1}});
    }
}
