package dev.attune.job;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job of any kind: a fine-tuning job, or a batch prediction (also listed at /api/v1/predictions).
 *
 * @param id its id
 * @param kind what kind of job: training (fine-tuning), scoring (a batch prediction) or audit_fold (a fold of a
 *        label audit)
 * @param name a display name
 * @param status QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED
 * @param createdAt when it was submitted
 * @param startedAt when its last attempt started
 * @param finishedAt when it ended
 * @param config what was asked, defaults filled in, as the job's kind defines it: a fine-tuning job's JobConfig, a
 *        batch prediction's data set, name, priority and scoring section
 * @param progress where it stands; null until it starts
 * @param latestMetrics the latest evaluation
 * @param bestMetrics the best evaluation (its weights become the model), with its step and epoch; deprecated for its
 *        figures: read them at validationMetrics, in the shape testMetrics has (this field goes in the next release)
 * @param validationMetrics the best evaluation's validation figures: the same shape as testMetrics
 * @param testMetrics the test data set's figures with the best weights (testDatasetId)
 * @param modelId the registered model, once SUCCEEDED
 * @param error why it failed, once FAILED
 * @param attempts how many times a worker started it (a restart, or a node that stopped answering, re-queues a
 *        running job)
 * @param node the node whose worker runs it (or ran it last); null until it starts
 * @param device that worker's device (cpu, gpu0...)
 * @param submittedBy the name of the API key that submitted it; null when API keys are off
 * @param sweepId the sweep it is a trial of; null for a job submitted on its own
 */
public record JobResponse(String id, String kind, String name, JobStatus status, Instant createdAt, Instant startedAt,
        Instant finishedAt, JobSpec config,
        @Schema(implementation = JobProgress.class) @JsonRawValue String progress,
        @Schema(ref = "#/components/schemas/EvaluationPoint") @JsonRawValue String latestMetrics,
        @Schema(ref = "#/components/schemas/EvaluationPoint", deprecated = true) @JsonRawValue String bestMetrics,
        @Schema(ref = "#/components/schemas/EvaluationMetrics") @JsonRawValue String validationMetrics,
        @Schema(ref = "#/components/schemas/EvaluationMetrics") @JsonRawValue String testMetrics,
        String modelId, Job.Failure error, int attempts, String node, String device, String submittedBy,
        String sweepId) {

    public static JobResponse of(Job job) {
        Job.Execution run = job.execution();
        return new JobResponse(job.id(), job.kind().id(), job.name(), job.status(), job.createdAt(), run.startedAt(), run.finishedAt(),
                job.config(), job.status().isFinal() ? ended(run.progress()) : run.progress(), run.latestMetrics(),
                run.bestMetrics(), figuresOf(run.bestMetrics()), run.testMetrics(), run.modelId(),
                run.failure(), run.attempts(), run.node(), run.device(), job.submittedBy(), job.sweepId());
    }

    /** An ended job's last progress, its phase "done" (it was left at the phase the run ended in, "saving"). */
    private static String ended(String progress) {
        if (progress == null || !progress.contains("\"phase\"")) {
            return progress;
        }
        return progress.replaceFirst("\"phase\"\\s*:\\s*\"[a-z_]*\"", "\"phase\":\"done\"");
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An evaluation's figures (its "metrics"), without its step and epoch; null when there is none. */
    private static String figuresOf(String evaluation) {
        if (evaluation == null) {
            return null;
        }
        JsonNode metrics = JSON.readTree(evaluation).get("metrics");
        return metrics == null || metrics.isNull() ? null : metrics.toString();
    }
}
