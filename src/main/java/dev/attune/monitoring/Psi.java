package dev.attune.monitoring;

import java.util.Collection;
import java.util.Map;

/**
 * The population stability index of served counts against reference counts over the same bins:
 * sum over bins of (a - e) * ln(a / e), a and e each bin's share of its total. An empty bin's share is taken as
 * {@link #EMPTY_SHARE} (on either side), so that a bin only one side has counts in adds a large but finite term.
 */
final class Psi {

    /** The share an empty bin counts as (0.01%): a bin of a 1,000-text window empty on one side adds about 0.06. */
    static final double EMPTY_SHARE = 1e-4;

    private Psi() {
    }

    /** The index over {@code bins}; null when either side has no counts (nothing to compare). */
    static Double of(Map<String, Long> served, Map<String, Long> reference, Collection<String> bins) {
        double servedTotal = total(served);
        double referenceTotal = total(reference);
        if (servedTotal == 0 || referenceTotal == 0) {
            return null;
        }
        double psi = 0;
        for (String bin : bins) {
            double a = share(served.getOrDefault(bin, 0L), servedTotal);
            double e = share(reference.getOrDefault(bin, 0L), referenceTotal);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    private static double share(long count, double total) {
        return count == 0 ? EMPTY_SHARE : count / total;
    }

    private static double total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
