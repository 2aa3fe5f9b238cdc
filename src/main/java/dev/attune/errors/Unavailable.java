package dev.attune.errors;

/** The service cannot answer right now, e.g. no model is loaded yet (HTTP 503). */
public final class Unavailable extends AttuneException {

    public Unavailable(String title, String detail) {
        super(title, detail);
    }
}
