package dev.attune.sweep;

import java.util.Comparator;
import java.util.List;

/**
 * Asynchronous successive halving's decision at one rung, reduction factor {@value #REDUCTION}: once at least
 * {@value #REDUCTION} trials reached the rung, a trial continues only while it ranks in the better
 * 1/{@value #REDUCTION} of them, rounded up (2 of 3, 2 of 4). Ranks are by score (higher first), then loss (lower
 * first), then arrival at the rung (earlier first): ties never keep more than that share.
 */
final class SuccessiveHalving {

    static final int REDUCTION = 2;

    /**
     * A trial's result at a rung.
     *
     * @param score in the sweep's metric, higher is better
     * @param loss the validation loss (infinity when unknown)
     * @param arrival its place in the order the trials reached the rung, from 0
     */
    record Result(String jobId, double score, double loss, int arrival) {
    }

    /** Better first; a NaN score ranks last. */
    static final Comparator<Result> BETTER_FIRST = Comparator
            .comparing((Result r) -> Double.isNaN(r.score()) ? Double.NEGATIVE_INFINITY : r.score(),
                    Comparator.reverseOrder())
            .thenComparingDouble(Result::loss)
            .thenComparingInt(Result::arrival);

    private SuccessiveHalving() {
    }

    /** How many of {@code reached} trials at a rung continue. */
    static int kept(int reached) {
        return reached < REDUCTION ? reached : (reached + REDUCTION - 1) / REDUCTION;
    }

    /** Whether the trial {@code jobId}, one of {@code atRung}, continues past this rung. */
    static boolean continues(String jobId, List<Result> atRung) {
        List<Result> ranked = atRung.stream().sorted(BETTER_FIRST).toList();
        int kept = kept(ranked.size());
        for (int i = 0; i < kept; i++) {
            if (ranked.get(i).jobId().equals(jobId)) {
                return true;
            }
        }
        return ranked.stream().noneMatch(r -> r.jobId().equals(jobId)); // not yet recorded: nothing to judge
    }
}
