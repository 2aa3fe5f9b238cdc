package dev.attune.batch;

import java.time.Duration;
import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import dev.attune.modeling.LongText;
import dev.attune.job.Job;
import dev.attune.job.JobStatus;

/**
 * A batch prediction: a job on the queue that scores a data set.
 *
 * @param id its id (a job id: GET /api/v1/jobs/{id}/log and /events follow it too)
 * @param status QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED
 * @param datasetId the data set scored
 * @param modelId the model that scores
 * @param deployment the deployment the request named; null when it named the model
 * @param longText the long-text rule asked for; null: the model's own
 * @param priority its place in the queue: higher runs first (a training job's default is 0)
 * @param rows rows of the data set; null until the run reads it
 * @param rowsDone rows scored so far (all once SUCCEEDED)
 * @param textsPerSecond scoring speed (while running: since the run started, model loading included)
 * @param metrics the model's evaluation figures on the data set's labels, once SUCCEEDED; null when they do
 *     not fit the model's labels
 * @param error why it failed, once FAILED
 * @param attempts how many times a worker started it (a resumed run continues after the rows already scored)
 * @param createdAt when it was submitted
 * @param startedAt when its last attempt started
 * @param finishedAt when it ended
 * @param select the selection asked for (strategy, count, seed) and, once SUCCEEDED, how many rows it selected
 *     (GET .../selection); absent without select
 */
@io.swagger.v3.oas.annotations.media.Schema(name = "PredictionJobResponse") // its name in the API since it was added
record BatchPredictionResponse(String id, JobStatus status, String datasetId, String modelId, String deployment,
        LongText longText, int priority, Integer rows, long rowsDone, Double textsPerSecond,
        @Schema(ref = "#/components/schemas/EvaluationMetrics") JsonNode metrics, Job.Failure error, int attempts,
        Instant createdAt, Instant startedAt, Instant finishedAt,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        SelectionResponse select) {

    /**
     * A batch prediction's selection.
     *
     * @param strategy margin, entropy, least_confidence or random
     * @param count rows asked for
     * @param seed random's seed
     * @param selected rows selected, once SUCCEEDED (GET /api/v1/predictions/{id}/selection); null before
     */
    @Schema(name = "PredictionSelection")
    record SelectionResponse(String strategy, int count, long seed, Integer selected) {
    }

    static BatchPredictionResponse of(Job job, ObjectMapper mapper) {
        Job.Execution run = job.execution();
        BatchPredictionSpec spec = job.spec(BatchPredictionSpec.class);
        BatchScoring scoring = spec.scoring();
        JsonNode summary = run.testMetrics() == null ? null : mapper.readTree(run.testMetrics());
        JsonNode progress = run.progress() == null ? null : mapper.readTree(run.progress());
        boolean scoringNow = progress != null && "scoring".equals(progress.path("phase").asString());
        Integer rows = null;
        long done = 0;
        Double speed = null;
        if (summary != null) {
            rows = summary.get("rows").asInt();
            done = rows;
            speed = summary.get("textsPerSecond").asDouble();
        } else if (scoringNow) {
            rows = progress.get("phaseTotal").asInt();
            done = progress.get("phaseDone").asLong();
            double seconds = run.startedAt() == null ? 0 : Duration.between(run.startedAt(), Instant.now()).toMillis() / 1e3;
            speed = seconds > 0 ? done / seconds : null;
        }
        JsonNode metrics = summary == null || summary.get("metrics") == null || summary.get("metrics").isNull() ? null
                : summary.get("metrics");
        return new BatchPredictionResponse(job.id(), job.status(), spec.datasetId(), scoring.modelId(),
                scoring.deployment(), scoring.longText(), spec.priority(), rows, done, speed, metrics, run.failure(), run.attempts(),
                job.createdAt(), run.startedAt(), run.finishedAt(), spec.select() == null ? null
                        : new SelectionResponse(spec.select().strategy().id(), spec.select().count(), spec.select().seed(),
                                summary == null || !summary.has("selection") ? null
                                        : summary.get("selection").get("rows").asInt()));
    }
}
