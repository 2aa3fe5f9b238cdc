package dev.attune.training;

/** The run cannot go on: a non-finite loss, or an input or configuration that cannot be trained. */
public class TrainingFailedException extends RuntimeException {

    private final String reason;

    public TrainingFailedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** A short machine-readable reason, e.g. "non_finite_loss". */
    public String reason() {
        return reason;
    }
}
