package dev.attune.errors;

/** The input is larger than a configured limit (HTTP 413). */
public final class TooLarge extends AttuneException {

    public TooLarge(String title, String detail) {
        super(title, detail);
    }
}
