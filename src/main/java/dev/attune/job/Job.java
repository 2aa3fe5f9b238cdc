package dev.attune.job;

import java.time.Instant;

/**
 * A job as stored: its {@link JobKind}, what was asked (its kind's {@link JobSpec}) and how its execution went
 * ({@link Execution}). Progress and metrics stay JSON strings: written by the run, embedded by the API.
 *
 * @param sweepId the sweep it is a trial of; null for a job submitted on its own
 */
public record Job(String id, JobKind kind, JobStatus status, JobSpec config, Instant createdAt, Execution execution,
        String submittedBy, String sweepId) {

    /** A job just submitted: queued, nothing run yet. */
    public static Job submitted(String id, JobSpec spec, Instant now, String submittedBy, String sweepId) {
        return new Job(id, spec.kind(), JobStatus.QUEUED, spec, now, Execution.NOT_STARTED, submittedBy, sweepId);
    }

    public String name() {
        return config.name();
    }

    /**
     * Its spec as its kind's type.
     *
     * @throws IllegalStateException when the job is of another kind
     */
    public <S extends JobSpec> S spec(Class<S> type) {
        if (!type.isInstance(config)) {
            throw new IllegalStateException("job " + id + " is a " + kind.id() + " job, not " + type.getSimpleName());
        }
        return type.cast(config);
    }

    public int attempts() {
        return execution.attempts();
    }

    /**
     * @param progress the latest progress (JSON), null before the first step
     * @param testMetrics the test data set's figures with the best weights (JSON); null without a test set
     * @param failure why it failed; null unless FAILED
     * @param attempts how many times a worker started it (a restart re-queues a running job)
     * @param node the node whose worker ran it last
     * @param device that worker's device
     */
    public record Execution(Instant startedAt, Instant finishedAt, String progress, String latestMetrics, String bestMetrics,
            String testMetrics, String modelId, Failure failure, int attempts, String node, String device) {

        public static final Execution NOT_STARTED = new Execution(null, null, null, null, null, null, null, null, 0, null, null);
    }

    /**
     * Why a job failed.
     *
     * @param type a stable machine-readable reason (non_finite_gradient, InvalidInput...)
     * @param message what happened and what to do, with a server-log reference for unexpected errors
     */
    public record Failure(String type, String message) {
    }
}
