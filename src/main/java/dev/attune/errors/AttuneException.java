package dev.attune.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure the caller can act on, said in the domain's words: what was wrong and how to fix it,
 * plus machine-readable facts (the line, the columns found). Each kind is one subclass; the web
 * layer alone ({@code system.ProblemHandler}) turns a kind into an HTTP status and problem+json.
 */
public abstract sealed class AttuneException extends RuntimeException
        permits InvalidInput, NotFound, Conflict, Forbidden, TooLarge, Overloaded, Unavailable {

    private final String title;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private Long retryAfterSeconds;

    protected AttuneException(String title, String detail) {
        super(detail);
        this.title = title;
    }

    /** A short, stable summary (the problem's title). */
    public String title() {
        return title;
    }

    /** Adds a machine-readable fact. */
    public AttuneException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public Map<String, Object> properties() {
        return properties;
    }

    /** When retrying makes sense, after how long (a full queue, a model loading). */
    public AttuneException retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
