package dev.attune.errors;

/** Too much work is waiting; retry later (HTTP 429). */
public final class Overloaded extends AttuneException {

    public Overloaded(String title, String detail) {
        super(title, detail);
    }
}
