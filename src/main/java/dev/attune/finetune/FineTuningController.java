package dev.attune.finetune;

import java.net.URI;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import dev.attune.job.Job;
import dev.attune.job.JobResponse;
import dev.attune.job.JobService;
import dev.attune.system.ProblemResponses;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RestController;

/** Submits fine-tuning jobs to the queue; the queue's API (/api/v1/jobs/{id}...) follows them. */
@Tag(name = "Jobs", description = "Queue fine-tuning jobs, follow them, cancel them")
@RestController
@RequestMapping("/api/v1/jobs")
class FineTuningController {

    private final SubmissionChecks checks;
    private final JobService jobs;

    FineTuningController(SubmissionChecks checks, JobService jobs) {
        this.checks = checks;
        this.jobs = jobs;
    }

    @Operation(operationId = "submitJob", summary = "Queue a fine-tuning job", description = "datasetId and baseModel (a registered model id, a "
            + "path under the import roots, or a Hub id) are required; every training option has a default. "
            + "202 with the job; 400 naming every bad field; 429 with Retry-After when the queue is full.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ProblemResponses({409, 429, 502})
    ResponseEntity<JobResponse> submit(@RequestBody JobRequest request) {
        String id = UUID.randomUUID().toString(); // the default name's short id is the job's
        Job job = jobs.enqueue(id, checks.resolve(request, id));
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + job.id())).body(JobResponse.of(job));
    }
}
