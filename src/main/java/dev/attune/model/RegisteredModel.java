package dev.attune.model;

import java.time.Instant;
import java.util.List;

/**
 * A classifier attune can serve: its files are a Hugging Face checkpoint under
 * {@code <data-dir>/models/<id>}. {@code origin} is IMPORT or JOB; {@code metrics} is JSON or null.
 */
public record RegisteredModel(String id, String name, String architecture, List<String> labels, String source,
        String origin, String jobId, String metrics, int maxLength, long parameters, long sizeBytes, Instant createdAt) {
}
