package dev.attune.job;

import java.time.Duration;

/**
 * A worker's hold on the job it runs. The node's lease keeper renews it in the database; the worker trusts
 * it only as long as a renewal was confirmed within the lease time (measured on this process's monotonic
 * clock, which keeps running while the process is paused). A worker that wakes from a pause longer than
 * its lease therefore stops at its next step without writing, whether or not it has heard yet that another
 * worker took the job over.
 */
public final class JobLease {

    private final String jobId;
    private final String owner;
    private final long trustedNanos;
    private volatile long trustedUntil;
    private volatile boolean lost;
    private volatile boolean cancelRequested;

    JobLease(String jobId, String owner, Duration lease, long claimedAtNanos) {
        this.jobId = jobId;
        this.owner = owner;
        this.trustedNanos = lease.toNanos() * 9 / 10; // a margin for the database round trip
        this.trustedUntil = claimedAtNanos + trustedNanos;
    }

    public String jobId() {
        return jobId;
    }

    public String owner() {
        return owner;
    }

    /** True while this worker may still act for the job. */
    public boolean held() {
        return !lost && System.nanoTime() - trustedUntil < 0;
    }

    /** The database confirmed a renewal that was sent at {@code sentAtNanos}. */
    void renewed(long sentAtNanos) {
        trustedUntil = sentAtNanos + trustedNanos;
    }

    /** The database says the job is no longer this worker's. */
    public void lose() {
        lost = true;
    }

    void requestCancel() {
        cancelRequested = true;
    }

    boolean cancelRequested() {
        return cancelRequested;
    }
}
