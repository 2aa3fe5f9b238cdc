package dev.attune.job;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.attune.errors.InvalidInput;

/**
 * A job's life: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED | STOPPED. {@link #TRANSITIONS} is the one
 * table of legal moves; RUNNING → QUEUED is the re-queue of a job interrupted by a restart; STOPPED is a
 * sweep's trial that successive halving stopped early (its metrics kept, no model).
 */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, STOPPED;

    static final Map<JobStatus, Set<JobStatus>> TRANSITIONS = Map.of(
            QUEUED, EnumSet.of(RUNNING, CANCELLED),
            RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, STOPPED, QUEUED),
            SUCCEEDED, EnumSet.noneOf(JobStatus.class),
            FAILED, EnumSet.noneOf(JobStatus.class),
            CANCELLED, EnumSet.noneOf(JobStatus.class),
            STOPPED, EnumSet.noneOf(JobStatus.class));

    public boolean canMoveTo(JobStatus next) {
        return TRANSITIONS.get(this).contains(next);
    }

    /** Throws {@link IllegalJobTransitionException} unless this → next is in the table. */
    public void checkMoveTo(JobStatus next) {
        if (!canMoveTo(next)) {
            throw new IllegalJobTransitionException(this, next);
        }
    }

    public boolean isFinal() {
        return TRANSITIONS.get(this).isEmpty();
    }

    /**
     * A status as a query parameter names it, in any case; null or blank: none.
     *
     * @throws InvalidInput naming the statuses there are
     */
    public static JobStatus parse(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return JobStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("Unknown status", "status '" + status + "' is not one of "
                    + Arrays.toString(JobStatus.values()) + ".");
        }
    }
}
