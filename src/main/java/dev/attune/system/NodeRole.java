package dev.attune.system;

/** What one attune process does in a cluster ({@code attune.node.roles}); a single node has all three. */
public enum NodeRole {
    /** The REST API under /api/** and the dashboard. */
    API,
    /** Runs queued jobs, one per device. */
    WORKER,
    /** Answers /predict. */
    SERVING
}
