package dev.attune.sweep;

/**
 * A sweep's life: RUNNING until its last trial ended (SUCCEEDED: a trial succeeded and its model is the sweep's;
 * FAILED: none did) or it was cancelled (CANCELLED, with the best trial that had succeeded by then).
 */
public enum SweepStatus {
    RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this != RUNNING;
    }
}
