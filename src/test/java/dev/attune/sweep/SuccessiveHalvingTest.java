package dev.attune.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The halving rule alone (issue 31): its share, rounded up, its tie-breaks, and its direction. */
class SuccessiveHalvingTest {

    @Test
    void oneTrialAloneAtARungContinues() {
        assertThat(SuccessiveHalving.continues("a", List.of(result("a", 0.1, 1, 0)))).isTrue();
    }

    @Test
    void theBetterHalfContinuesAndTheWorseStops() {
        List<SuccessiveHalving.Result> rung = List.of(result("a", 0.9, 1, 0), result("b", 0.5, 1, 1),
                result("c", 0.7, 1, 2), result("d", 0.6, 1, 3));
        assertThat(continuing(rung)).containsExactly("a", "c");
    }

    @Test
    void anOddCountKeepsItsHalfRoundedUp() {
        List<SuccessiveHalving.Result> rung = List.of(result("a", 0.5, 1, 0), result("b", 0.9, 1, 1),
                result("c", 0.7, 1, 2));
        assertThat(continuing(rung)).as("2 of 3").containsExactly("b", "c");
        assertThat(SuccessiveHalving.kept(1)).isEqualTo(1);
        assertThat(SuccessiveHalving.kept(2)).isEqualTo(1);
        assertThat(SuccessiveHalving.kept(3)).isEqualTo(2);
        assertThat(SuccessiveHalving.kept(5)).isEqualTo(3);
        assertThat(SuccessiveHalving.kept(64)).isEqualTo(32);
    }

    @Test
    void tiedScoresAreBrokenByLossThenArrivalSoOnlyHalfContinue() {
        List<SuccessiveHalving.Result> byLoss = List.of(result("a", 0.8, 0.6, 0), result("b", 0.8, 0.4, 1),
                result("c", 0.8, 0.5, 2), result("d", 0.8, 0.7, 3));
        assertThat(continuing(byLoss)).containsExactly("b", "c");
        List<SuccessiveHalving.Result> allEqual = List.of(result("a", 0.8, 0.5, 2), result("b", 0.8, 0.5, 0),
                result("c", 0.8, 0.5, 3), result("d", 0.8, 0.5, 1));
        assertThat(continuing(allEqual)).as("the first two to arrive").containsExactly("b", "d");
    }

    @Test
    void aNanScoreRanksLast() {
        List<SuccessiveHalving.Result> rung = List.of(result("a", Double.NaN, 0.1, 0), result("b", 0.2, 0.9, 1));
        assertThat(continuing(rung)).containsExactly("b");
    }

    private static List<String> continuing(List<SuccessiveHalving.Result> rung) {
        List<String> continuing = new ArrayList<>();
        for (SuccessiveHalving.Result result : rung) {
            if (SuccessiveHalving.continues(result.jobId(), rung)) {
                continuing.add(result.jobId());
            }
        }
        return continuing.stream().sorted().toList();
    }

    private static SuccessiveHalving.Result result(String job, double score, double loss, int arrival) {
        return new SuccessiveHalving.Result(job, score, loss, arrival);
    }
}
