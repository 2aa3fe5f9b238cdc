package dev.attune.job;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import dev.attune.system.ProblemResponses;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import java.util.Map;

/** The queue's API: every job, of any kind, read, followed and cancelled. Each kind's submission is its own. */
@Tag(name = "Jobs", description = "Queue fine-tuning jobs, follow them, cancel them")
@RestController
@RequestMapping("/api/v1/jobs")
class JobController {

    private final JobService jobs;
    private final JobEvents events;
    private final JobLog jobLog;

    JobController(JobService jobs, JobEvents events, JobLog jobLog) {
        this.jobs = jobs;
        this.events = events;
        this.jobLog = jobLog;
    }

    @Operation(operationId = "listJobs", summary = "List jobs, newest first", description = "Optional status filter: QUEUED, RUNNING, "
            + "SUCCEEDED, FAILED, CANCELLED.")
    @GetMapping
    List<JobResponse> list(@RequestParam(required = false) String status) {
        return jobs.list(JobStatus.parse(status)).stream().map(JobResponse::of).toList();
    }

    @Operation(operationId = "getJob", summary = "One job: status, progress, latest and best metrics, model, error",
            description = "Its configuration (defaults filled in), status, progress, the latest evaluation, "
                    + "validationMetrics and testMetrics, the model it registered, or why it failed.")
    @GetMapping("/{id}")
    JobResponse get(@PathVariable String id) {
        return JobResponse.of(jobs.get(id));
    }

    @Operation(operationId = "getJobMetrics", summary = "Every evaluation point of a job, for plotting",
            description = "Every evaluation of the job in order: step, epoch, training loss and the validation figures.")
    @GetMapping("/{id}/metrics")
    List<MetricPoint> metrics(@PathVariable String id) {
        return jobs.evaluations(id).stream()
                .map(row -> new MetricPoint(row.attempt(), row.step(), row.epoch(), row.trainLoss(), row.best(),
                        row.metrics()))
                .toList();
    }

    @Operation(operationId = "streamJobEvents", summary = "Server-Sent Events: progress, evaluation, log and status events as they happen",
            description = "text/event-stream with the events progress, evaluation, log and status; the stream ends after "
                    + "the job's final status.")
    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ApiResponse(responseCode = "200", description = "An event stream: event names progress, evaluation, log and status "
            + "(the current status first); it ends after the job ends.",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(type = "string")))
    SseEmitter events(@PathVariable String id) {
        Job job = jobs.get(id);
        SseEmitter emitter = events.subscribe(id);
        if (job.status().isFinal()) {
            events.finish(id, Map.of("status", job.status()));
        } else {
            events.publish(id, "status", Map.of("status", job.status())); // where it stands as the stream opens
        }
        return emitter;
    }

    @Operation(operationId = "getJobLog", summary = "The job's log (text)",
            description = "The job's log as plain text, as its worker wrote it (data read, options, evaluations, "
                    + "calibration, the int8 check).")
    @GetMapping(path = "/{id}/log", produces = MediaType.TEXT_PLAIN_VALUE)
    String log(@PathVariable String id) {
        jobs.get(id);
        return jobLog.read(id);
    }

    @Operation(operationId = "cancelJob", summary = "Cancel a job", description = "A queued job is cancelled at once; a running one stops at "
            + "its next step and ends CANCELLED. 409 for a finished job.")
    @PostMapping("/{id}/cancel")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ProblemResponses(409)
    ResponseEntity<JobResponse> cancel(@PathVariable String id) {
        return ResponseEntity.accepted().body(JobResponse.of(jobs.cancel(id)));
    }

    /**
     * One evaluation of a job.
     *
     * @param attempt which run of the job (a job resumed after a restart has several)
     * @param step the optimizer step evaluated after
     * @param epoch the position in epochs, e.g. 1.5
     * @param trainLoss mean training loss since the previous evaluation
     * @param best whether it was the best evaluation so far (its weights were kept)
     * @param metrics the validation figures
     */
    record MetricPoint(int attempt, long step, double epoch, double trainLoss, boolean best,
            @Schema(ref = "#/components/schemas/EvaluationMetrics") @JsonRawValue String metrics) {
    }
}
