package dev.attune.job;

import java.time.Instant;
import java.util.List;

import java.util.Map;

/**
 * A sweep and its trials.
 *
 * @param id its id
 * @param name a display name
 * @param status RUNNING, SUCCEEDED (its best trial's model is modelId), FAILED (no trial succeeded) or CANCELLED
 * @param metric what decides the best trial
 * @param scheduler none or successive_halving
 * @param trials every trial: its job, the option values it tries, its status and best score
 * @param bestJobId the best trial's job, once ended
 * @param modelId the best trial's model, once ended
 * @param createdAt when it was submitted
 * @param finishedAt when it ended
 * @param request the request, as sent (base, grid or random, deploy...)
 */
record SweepResponse(String id, String name, String status, String metric, String scheduler, List<Trial> trials,
        String bestJobId, String modelId, Instant createdAt, Instant finishedAt, Map<String, Object> request) {

    /**
     * One trial.
     *
     * @param trial its number, from 1
     * @param jobId its job (GET /api/v1/jobs/{jobId} for everything else); null while it waits for maxParallel
     * @param options the option values it tries
     * @param status its job's status (STOPPED: successive halving stopped it; its metrics are kept); null while it waits
     * @param bestScore its best score in the sweep's metric, higher is better (loss negated); null before its first evaluation
     * @param evaluations how many evaluations it reached
     * @param modelId its model, once SUCCEEDED
     */
    record Trial(int trial, String jobId, Map<String, Object> options, JobStatus status, Double bestScore, int evaluations,
            String modelId) {
    }
}
