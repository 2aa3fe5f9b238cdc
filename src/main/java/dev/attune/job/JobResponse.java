package dev.attune.job;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonRawValue;

/** A job as the API shows it; JSON columns are embedded as they are stored. */
record JobResponse(String id, String name, JobStatus status, Instant createdAt, Instant startedAt, Instant finishedAt,
        JobConfig config, @JsonRawValue String progress, @JsonRawValue String latestMetrics,
        @JsonRawValue String bestMetrics, @JsonRawValue String testMetrics, String modelId, Job.Failure error,
        int attempts) {

    static JobResponse of(Job job) {
        Job.Execution run = job.execution();
        return new JobResponse(job.id(), job.name(), job.status(), job.createdAt(), run.startedAt(), run.finishedAt(),
                job.config(), run.progress(), run.latestMetrics(), run.bestMetrics(), run.testMetrics(), run.modelId(),
                run.failure(),
                run.attempts());
    }
}
