package dev.attune.errors;

/** The request or its input is wrong as given (HTTP 400). */
public final class InvalidInput extends AttuneException {

    public InvalidInput(String title, String detail) {
        super(title, detail);
    }
}
