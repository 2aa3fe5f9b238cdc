package dev.attune.modeling;

/** A long text would be read in more windows than the caller allows ({@link TextEncoder#windows}). */
public final class TooManyWindowsException extends RuntimeException {

    private final int textIndex;
    private final long windows;
    private final int limit;

    TooManyWindowsException(int textIndex, long windows, int limit) {
        super("text " + textIndex + " needs " + windows + " windows; at most " + limit + " allowed");
        this.textIndex = textIndex;
        this.windows = windows;
        this.limit = limit;
    }

    /** Which text of the request, from 0. */
    public int textIndex() {
        return textIndex;
    }

    public long windows() {
        return windows;
    }

    public int limit() {
        return limit;
    }
}
