package dev.attune.job;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Submission times, in milliseconds, strictly increasing on this node: the queue runs equal priorities in
 * submission order (created_at, then id), and jobs submitted within one millisecond (a sweep's trials, queued in
 * a loop) would otherwise run in the order of their random ids.
 */
final class SubmissionClock {

    private static final AtomicLong LAST = new AtomicLong();

    private SubmissionClock() {
    }

    static Instant next() {
        long now = Instant.now().toEpochMilli();
        return Instant.ofEpochMilli(LAST.updateAndGet(last -> Math.max(now, last + 1))).truncatedTo(ChronoUnit.MILLIS);
    }
}
