package dev.attune.errors;

/** The request clashes with the current state, e.g. deleting what a running job uses (HTTP 409). */
public final class Conflict extends AttuneException {

    public Conflict(String title, String detail) {
        super(title, detail);
    }
}
