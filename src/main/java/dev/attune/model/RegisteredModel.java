package dev.attune.model;

import java.time.Instant;
import java.util.List;

import dev.attune.modeling.ProblemType;

/**
 * A classifier attune can serve: its files are a Hugging Face checkpoint under
 * {@code <data-dir>/models/<id>}. {@code metrics} is null for imports.
 */
public record RegisteredModel(String id, String name, String architecture, ProblemType problemType, List<String> labels,
        String source,
        Origin origin, String jobId, ModelMetrics metrics, int maxLength, long parameters, long sizeBytes,
        Instant createdAt) {
}
