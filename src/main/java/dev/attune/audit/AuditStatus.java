package dev.attune.audit;

/** An audit's life: RUNNING while any fold job may still end, then one of the others, once. */
public enum AuditStatus {
    RUNNING, SUCCEEDED, FAILED, CANCELLED
}
