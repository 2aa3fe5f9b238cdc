package dev.attune.model;

import java.time.Instant;
import java.util.List;


/** A registered model as the API shows it. */
record ModelResponse(String id, String name, String architecture, List<String> labels, String source, Origin origin,
        String jobId, ModelMetrics metrics, int maxLength, long parameters, long sizeBytes, Instant createdAt) {

    static ModelResponse of(RegisteredModel m) {
        return new ModelResponse(m.id(), m.name(), m.architecture(), m.labels(), m.source(), m.origin(), m.jobId(),
                m.metrics(), m.maxLength(), m.parameters(), m.sizeBytes(), m.createdAt());
    }
}
