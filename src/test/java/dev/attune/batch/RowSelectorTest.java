package dev.attune.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Each selection strategy against a hand computation on a small probability matrix (issue 33). The expected values
 * are the definitions worked out by hand (entropy in nats: -Σ p ln p), not our own outputs.
 */
class RowSelectorTest {

    /** Three classes; each strategy ranks these five rows differently. */
    private static final double[][] P = {
            {0.50, 0.30, 0.20}, // margin 0.20, entropy 1.029653, top 0.50
            {0.90, 0.05, 0.05}, // margin 0.85, entropy 0.394398, top 0.90
            {0.40, 0.35, 0.25}, // margin 0.05, entropy 1.080528, top 0.40
            {0.45, 0.45, 0.10}, // margin 0.00, entropy 0.948915, top 0.45
            {0.34, 0.33, 0.33}}; // margin 0.01, entropy 1.098513, top 0.34

    @Test
    void marginIsTheGapBetweenTheTopTwoProbabilitiesSmallestFirst() {
        assertThat(SelectionStrategy.MARGIN.score(P[0], false)).isCloseTo(0.20, within(1e-12));
        assertThat(SelectionStrategy.MARGIN.score(P[3], false)).isCloseTo(0.0, within(1e-12));
        List<RowSelector.Chosen> chosen = choose(SelectionStrategy.MARGIN, 5);
        assertThat(positions(chosen)).containsExactly(3, 4, 2, 0, 1);
        assertThat(chosen.get(1).score()).isCloseTo(0.01, within(1e-12));
        assertThat(chosen.get(4).score()).isCloseTo(0.85, within(1e-12));
    }

    @Test
    void entropyIsMinusSumPLnPHighestFirst() {
        assertThat(SelectionStrategy.ENTROPY.score(P[0], false)).isCloseTo(1.0296530140645737, within(1e-12));
        assertThat(SelectionStrategy.ENTROPY.score(P[1], false)).isCloseTo(0.39439769144744274, within(1e-12));
        List<RowSelector.Chosen> chosen = choose(SelectionStrategy.ENTROPY, 3);
        assertThat(positions(chosen)).containsExactly(4, 2, 0);
        assertThat(chosen.get(0).score()).isCloseTo(1.0985126170507196, within(1e-12));
        assertThat(chosen.get(1).score()).isCloseTo(1.080527626604172, within(1e-12));
    }

    @Test
    void leastConfidenceIsTheTopProbabilityLowestFirst() {
        List<RowSelector.Chosen> chosen = choose(SelectionStrategy.LEAST_CONFIDENCE, 4);
        assertThat(positions(chosen)).containsExactly(4, 2, 3, 0);
        assertThat(chosen.stream().map(RowSelector.Chosen::score).toList()).containsExactly(0.34, 0.40, 0.45, 0.50);
    }

    @Test
    void aMultiLabelRowIsAsUncertainAsItsLeastDecidedLabel() {
        double[] p = {0.9, 0.45}; // two independent sigmoids
        assertThat(SelectionStrategy.MARGIN.score(p, true)).as("min |2p - 1|").isCloseTo(0.1, within(1e-12));
        assertThat(SelectionStrategy.ENTROPY.score(p, true)).as("H(0.9) + H(0.45), binary entropies")
                .isCloseTo(0.3250829733914482 + 0.6881388137135884, within(1e-12));
        assertThat(SelectionStrategy.LEAST_CONFIDENCE.score(p, true)).as("min max(p, 1 - p)")
                .isCloseTo(0.55, within(1e-12));
        double[][] rows = {{0.99, 0.02}, {0.9, 0.45}, {0.6, 0.97}};
        assertThat(positions(RowSelector.choose(new Selection(SelectionStrategy.MARGIN, 2, 0), rows, 3, true)))
                .containsExactly(1, 2);
    }

    @Test
    void tiesGoToTheEarlierRow() {
        double[][] same = {{0.7, 0.3}, {0.3, 0.7}, {0.7, 0.3}};
        assertThat(positions(RowSelector.choose(new Selection(SelectionStrategy.ENTROPY, 3, 0), same, 3, false)))
                .containsExactly(0, 1, 2);
    }

    @Test
    void randomSelectionIsAUniformDrawFixedByItsSeed() {
        Selection seven = new Selection(SelectionStrategy.RANDOM, 100, 7);
        List<Integer> first = positions(RowSelector.choose(seven, null, 1000, false));
        assertThat(positions(RowSelector.choose(seven, null, 1000, false))).as("the same seed, the same rows")
                .isEqualTo(first);
        assertThat(new HashSet<>(first)).as("without replacement").hasSize(100);
        assertThat(first).allMatch(i -> i >= 0 && i < 1000);
        assertThat(positions(RowSelector.choose(new Selection(SelectionStrategy.RANDOM, 100, 8), null, 1000, false)))
                .isNotEqualTo(first);
        assertThat(RowSelector.choose(seven, null, 1000, false)).allMatch(c -> c.score() == null);
        // uniform: over many seeds each of 10 rows is drawn (count 3) about 3/10 of the time
        int[] drawn = new int[10];
        for (long seed = 0; seed < 20_000; seed++) {
            RowSelector.choose(new Selection(SelectionStrategy.RANDOM, 3, seed), null, 10, false)
                    .forEach(c -> drawn[c.position()]++);
        }
        for (int count : drawn) {
            assertThat(count / 20_000.0).isCloseTo(0.3, within(0.015));
        }
    }

    @Test
    void theLargestCountRanksEveryRow() {
        for (SelectionStrategy strategy : SelectionStrategy.values()) {
            List<RowSelector.Chosen> all = choose(strategy, P.length);
            assertThat(new HashSet<>(positions(all))).as(strategy.id()).hasSize(P.length);
        }
    }

    private static List<RowSelector.Chosen> choose(SelectionStrategy strategy, int count) {
        return RowSelector.choose(new Selection(strategy, count, 1), P, P.length, false);
    }

    private static List<Integer> positions(List<RowSelector.Chosen> chosen) {
        return chosen.stream().map(RowSelector.Chosen::position).toList();
    }

    /** The heap that keeps only the best rows picks what sorting every row picks (the review's memory fix). */
    @Test
    void keepingOnlyTheBestRowsPicksWhatSortingEveryRowPicks() {
        java.util.Random random = new java.util.Random(3);
        double[][] rows = new double[20_000][];
        for (int i = 0; i < rows.length; i++) {
            double a = Math.round(random.nextDouble() * 100) / 100.0; // rounded: many ties
            rows[i] = new double[] {a, 1 - a};
        }
        for (SelectionStrategy strategy : List.of(SelectionStrategy.MARGIN, SelectionStrategy.ENTROPY,
                SelectionStrategy.LEAST_CONFIDENCE)) {
            java.util.Comparator<Integer> byScore = java.util.Comparator.comparingDouble(i -> strategy.score(rows[i], false));
            List<Integer> sorted = java.util.stream.IntStream.range(0, rows.length).boxed()
                    .sorted((strategy.ascending() ? byScore : byScore.reversed()).thenComparingInt(i -> i)).toList();
            assertThat(positions(RowSelector.choose(new Selection(strategy, 250, 0), rows, rows.length, false)))
                    .as(strategy.id()).isEqualTo(sorted.subList(0, 250));
        }
    }
}
