package dev.attune.job;

import java.time.Instant;

/**
 * A job as stored: its {@link JobKind}, what was asked ({@link JobConfig}) and how its execution went
 * ({@link Execution}). Progress and metrics stay JSON strings: written by the run, embedded by the API.
 */
record Job(String id, JobKind kind, JobStatus status, JobConfig config, Instant createdAt, Execution execution,
        String submittedBy, String sweepId) {

    /** A job just submitted: queued, nothing run yet; {@code sweepId} names the sweep it is a trial of, or null. */
    static Job submitted(String id, JobConfig config, Instant now, String submittedBy, String sweepId) {
        return new Job(id, JobKind.of(config), JobStatus.QUEUED, config, now, Execution.NOT_STARTED, submittedBy, sweepId);
    }

    String name() {
        return config.name();
    }

    int attempts() {
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
    record Execution(Instant startedAt, Instant finishedAt, String progress, String latestMetrics, String bestMetrics,
            String testMetrics, String modelId, Failure failure, int attempts, String node, String device) {

        static final Execution NOT_STARTED = new Execution(null, null, null, null, null, null, null, null, 0, null, null);
    }

    /**
     * Why a job failed.
     *
     * @param type a stable machine-readable reason (non_finite_gradient, InvalidInput...)
     * @param message what happened and what to do, with a server-log reference for unexpected errors
     */
    record Failure(String type, String message) {
    }
}
