package dev.attune.errors;

/** Nothing has the id asked for (HTTP 404). */
public final class NotFound extends AttuneException {

    public NotFound(String title, String detail) {
        super(title, detail);
    }

    /** "No data set has id 'x'", with how to find a valid one. */
    public static NotFound of(String what, String id) {
        return new NotFound(what + " not found",
                "No " + what.toLowerCase() + " has id '" + id + "'. List them with GET to find a valid id.");
    }
}
