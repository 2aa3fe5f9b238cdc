package dev.attune.job;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonRawValue;

/** A job as the API shows it; JSON columns are embedded as they are stored. */
record JobResponse(String id, String name, JobStatus status, Instant createdAt, Instant startedAt, Instant finishedAt,
        @JsonRawValue String config, @JsonRawValue String progress, @JsonRawValue String latestMetrics,
        @JsonRawValue String bestMetrics, String modelId, Error error, int attempts) {

    record Error(String type, String message) {
    }

    static JobResponse of(Job job) {
        Error error = job.errorType() == null ? null : new Error(job.errorType(), job.errorMessage());
        return new JobResponse(job.id(), job.name(), job.status(), job.createdAt(), job.startedAt(), job.finishedAt(),
                job.config(), job.progress(), job.latestMetrics(), job.bestMetrics(), job.modelId(), error, job.attempts());
    }
}
