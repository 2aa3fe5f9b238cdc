package dev.attune.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import dev.attune.serving.Prediction;
import org.junit.jupiter.api.Test;

/** The population stability index and the bins, by hand on small distributions. */
class PsiTest {

    @Test
    void psiOfTwoBinDistributionsIsTheSumWorkedByHand() {
        // served 70/30 against 50/50: (0.7-0.5)ln(0.7/0.5) + (0.3-0.5)ln(0.3/0.5)
        double expected = 0.2 * Math.log(1.4) + (-0.2) * Math.log(0.6);
        assertThat(Psi.of(Map.of("a", 70L, "b", 30L), Map.of("a", 5L, "b", 5L), List.of("a", "b")))
                .isCloseTo(expected, within(1e-12));
        assertThat(expected).isCloseTo(0.1695, within(1e-4));
    }

    @Test
    void identicalSharesHaveAnIndexOfZeroWhateverTheTotals() {
        assertThat(Psi.of(Map.of("a", 30L, "b", 10L), Map.of("a", 300L, "b", 100L), List.of("a", "b")))
                .isCloseTo(0, within(1e-15));
    }

    @Test
    void anEmptyBinCountsAsATenThousandthShare() {
        // all served in a, the reference split evenly: (1-0.5)ln(1/0.5) + (1e-4-0.5)ln(1e-4/0.5)
        double expected = 0.5 * Math.log(2) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5);
        assertThat(Psi.of(Map.of("a", 1000L), Map.of("a", 50L, "b", 50L), List.of("a", "b")))
                .isCloseTo(expected, within(1e-12));
        assertThat(expected).as("one-sided labels: far over the alert threshold").isGreaterThan(4);
        // a bin neither side has adds nothing
        assertThat(Psi.of(Map.of("a", 1L), Map.of("a", 1L), List.of("a", "b", "c"))).isCloseTo(0, within(1e-15));
    }

    @Test
    void withoutCountsOnEitherSideThereIsNoIndex() {
        assertThat(Psi.of(Map.of(), Map.of("a", 1L), List.of("a"))).isNull();
        assertThat(Psi.of(Map.of("a", 1L), Map.of(), List.of("a"))).isNull();
    }

    @Test
    void thresholdsAreInclusiveAndTheWorstStatusWins() {
        assertThat(DriftStatus.ofPsi(0.0999, 0.1, 0.25)).isEqualTo(DriftStatus.OK);
        assertThat(DriftStatus.ofPsi(0.1, 0.1, 0.25)).isEqualTo(DriftStatus.WARN);
        assertThat(DriftStatus.ofPsi(0.25, 0.1, 0.25)).isEqualTo(DriftStatus.ALERT);
        assertThat(DriftStatus.worst(List.of(DriftStatus.NO_TRAFFIC, DriftStatus.WARN, DriftStatus.OK)))
                .isEqualTo(DriftStatus.WARN);
        assertThat(DriftStatus.worst(List.of())).isEqualTo(DriftStatus.NO_TRAFFIC);
    }

    @Test
    void binsCoverTheirRangesEndsIncluded() {
        assertThat(Figure.scoreBin(0)).isZero();
        assertThat(Figure.scoreBin(0.0999)).isZero();
        assertThat(Figure.scoreBin(0.1)).isEqualTo(1);
        assertThat(Figure.scoreBin(1.0)).as("a score of 1 in the last bin").isEqualTo(9);
        assertThat(Figure.tokenBin(1, 64)).isZero();
        assertThat(Figure.tokenBin(7, 64)).isZero();
        assertThat(Figure.tokenBin(8, 64)).isEqualTo(1);
        assertThat(Figure.tokenBin(64, 64)).as("a truncated text").isEqualTo(9);
        assertThat(Figure.tokenBin(500, 64)).as("windows of a long text").isEqualTo(9);
        assertThat(Figure.latencyBin(500_000)).isZero(); // 0.5 ms
        assertThat(Figure.latencyBin(600_000)).isEqualTo(1);
        assertThat(Figure.latencyBin(60_000_000_000L)).isEqualTo(Figure.LATENCY_EDGES.length);
        assertThat(Figure.LATENCY.fixedBins()).hasSize(Figure.LATENCY_EDGES.length + 1);
    }

    @Test
    void latencyPercentilesAreTheirBinsUpperEdges() {
        Map<String, Long> counts = Map.of("<=5", 50L, "<=10", 45L, "<=100", 5L);
        assertThat(ModelWindows.percentile(counts, 100, 0.5)).isEqualTo(5);
        assertThat(ModelWindows.percentile(counts, 100, 0.95)).isEqualTo(10);
        assertThat(ModelWindows.percentile(counts, 100, 0.99)).isEqualTo(100);
        assertThat(ModelWindows.percentile(Map.of(), 0, 0.5)).isNull();
    }

    @Test
    void aMinuteDrainedTwiceCountsEachTextOnce() {
        BucketCounts bucket = new BucketCounts();
        Prediction positive = new Prediction("positive", 0.93, Map.of(), null, false, null);
        Prediction negative = new Prediction("negative", 0.55, Map.of(), null, true, null);
        bucket.addRequest(3_000_000);
        bucket.addText(positive, 10, 0, 64);
        bucket.addText(negative, 64, 2, 64);
        Counts first = new Counts();
        bucket.drainInto(first);
        assertThat(first.of(Figure.LABEL)).containsEntry("positive", 1L).containsEntry("negative", 1L);
        assertThat(first.of(Figure.TOP_SCORE)).containsEntry("0.9-1.0", 1L).containsEntry("0.5-0.6", 1L);
        assertThat(first.of(Figure.TOKENS)).containsEntry("10-20%", 1L).containsEntry("90-100%", 1L);
        assertThat(first.of(Figure.TRUNCATED)).containsEntry("no", 1L).containsEntry("yes", 1L);
        assertThat(first.of(Figure.UNKNOWN_TOKENS)).containsEntry("none", 1L).containsEntry("some", 1L);
        assertThat(first.of(Figure.LATENCY)).containsExactly(Map.entry("<=3", 1L));
        assertThat(first.texts()).isEqualTo(2);
        assertThat(first.requests()).isEqualTo(1);
        Counts second = new Counts();
        bucket.drainInto(second);
        assertThat(second.isEmpty()).as("drained: %s", second.all()).isTrue();
    }
}
