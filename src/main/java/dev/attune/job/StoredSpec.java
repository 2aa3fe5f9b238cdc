package dev.attune.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A stored job of a kind this node has no handler for (a newer node's): shown and listed with its name and
 * priority; no worker here runs it (the runner fails it, saying so).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record StoredSpec(String name, int priority) implements JobSpec {

    static final JobKind UNKNOWN = new JobKind("unknown", StoredSpec.class);

    @Override
    public JobKind kind() {
        return UNKNOWN;
    }

    @Override
    public Inputs inputs() {
        return new Inputs(null, null, null, null);
    }
}
