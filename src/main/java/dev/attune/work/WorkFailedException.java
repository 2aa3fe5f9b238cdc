package dev.attune.work;

/** The work cannot go on, for a reason a user can act on (a non-finite loss, an input that cannot be used). */
public class WorkFailedException extends RuntimeException {

    private final String reason;

    public WorkFailedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** A short machine-readable reason, e.g. "non_finite_loss": the job's failure type. */
    public String reason() {
        return reason;
    }
}
