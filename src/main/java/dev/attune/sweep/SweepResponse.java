package dev.attune.sweep;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.attune.training.TrainingOptions.MetricForBest;
import dev.attune.job.JobStatus;

/**
 * A sweep and its trials.
 *
 * @param id its id
 * @param name a display name
 * @param status RUNNING, SUCCEEDED (its best trial's model is modelId), FAILED (no trial succeeded) or CANCELLED;
 *     it moves on as its trials end (and a reconciler on every node), never because it is read
 * @param metric what decides the best trial
 * @param scheduler none or successive_halving
 * @param trials every trial: its job, the option values it tries, its status and best score
 * @param bestJobId the best trial's job, once ended: the best succeeded trial whose model still exists
 * @param modelId the best trial's model, once ended
 * @param createdAt when it was submitted
 * @param finishedAt when it ended
 * @param deployError why the deployment asked for (deploy) was not pointed at the best trial's model; null when it
 *     was, or none was asked
 * @param request the request, as sent (base, grid or random, deploy...), its metric and scheduler decided
 */
record SweepResponse(String id, String name, SweepStatus status, MetricForBest metric, SweepRequest.Scheduler scheduler,
        List<Trial> trials, String bestJobId, String modelId, Instant createdAt, Instant finishedAt, String deployError,
        Map<String, Object> request) {

    /**
     * One trial.
     *
     * @param trial its number, from 1
     * @param jobId its job (GET /api/v1/jobs/{jobId} for everything else); null while it waits for maxParallel
     * @param options the option values it tries
     * @param status its job's status (STOPPED: successive halving stopped it; its metrics are kept); null while it waits
     * @param bestScore its best score in the sweep's metric, higher is better (loss negated); null before its first evaluation
     * @param evaluations how many evaluations (rungs) it reached, every attempt counted
     * @param modelId its model, once SUCCEEDED
     */
    record Trial(int trial, String jobId, Map<String, Object> options, JobStatus status, Double bestScore, int evaluations,
            String modelId) {
    }
}
