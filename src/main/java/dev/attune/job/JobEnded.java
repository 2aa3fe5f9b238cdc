package dev.attune.job;

/**
 * A job reached a final status, published by the one conditional update that moved it there (a worker's release,
 * a take-back, a cancel while queued): what follows a job's end (a sweep's next step) listens for this.
 */
public record JobEnded(String jobId, JobStatus status) {
}
