package dev.attune.errors;

/** The request or its input is wrong as given (HTTP 400). */
public final class InvalidInput extends AttuneException {

    public InvalidInput(String title, String detail) {
        super(title, detail);
    }

    /**
     * Every problem of a request at once: "{@code lead}: first; second. Correct these and submit again.", with the
     * list as the problem's {@code errors}.
     */
    public static AttuneException listing(String title, String lead, java.util.List<String> problems) {
        String listed = String.join("; ", problems);
        return new InvalidInput(title, lead + ": " + listed + (listed.endsWith(".") ? "" : ".")
                + " Correct these and submit again.").with("errors", problems);
    }
}
