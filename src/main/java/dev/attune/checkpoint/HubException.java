package dev.attune.checkpoint;

/** A Hub download that failed; {@code status} is the HTTP status our API should answer with. */
public class HubException extends RuntimeException {

    private final int status;

    public HubException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
