package dev.attune.job;

import java.time.Instant;

/**
 * A fine-tuning job as stored. JSON columns stay JSON strings here ({@code config}, {@code progress},
 * {@code latestMetrics}, {@code bestMetrics}); the API embeds them as they are.
 */
public record Job(String id, String name, JobStatus status, String datasetId, String validationDatasetId,
        String testDatasetId, String baseModel, int priority, String config, Instant createdAt, Instant startedAt,
        Instant finishedAt, String progress, String latestMetrics, String bestMetrics, String modelId, String errorType,
        String errorMessage, int attempts) {
}
