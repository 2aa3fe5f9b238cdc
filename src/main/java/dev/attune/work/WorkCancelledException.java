package dev.attune.work;

/** The work stopped because its listener asked it to (a cancel, a shutdown, a lost lease, a sweep's judgement). */
public class WorkCancelledException extends RuntimeException {

    public WorkCancelledException(String message) {
        super(message);
    }
}
