package dev.attune.job;

/** A state change the transition table does not allow (e.g. cancelling a finished job). */
public class IllegalJobTransitionException extends RuntimeException {

    private final JobStatus from;
    private final JobStatus to;

    public IllegalJobTransitionException(JobStatus from, JobStatus to) {
        super("A " + from + " job cannot become " + to);
        this.from = from;
        this.to = to;
    }

    public JobStatus from() {
        return from;
    }

    public JobStatus to() {
        return to;
    }
}
