package dev.attune.errors;

/** The request asks for something this service may not do, e.g. read outside the import roots (HTTP 403). */
public final class Forbidden extends AttuneException {

    public Forbidden(String title, String detail) {
        super(title, detail);
    }
}
