package dev.attune.system;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * A client-visible failure, rendered as RFC 9457 problem+json by {@link ProblemHandler}. The detail
 * says what was wrong and how to fix it; properties add machine-readable facts (columns found, line).
 */
public class ProblemException extends RuntimeException {

    private final HttpStatus status;
    private final String title;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private Long retryAfterSeconds;

    public ProblemException(HttpStatus status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public static ProblemException badRequest(String title, String detail) {
        return new ProblemException(HttpStatus.BAD_REQUEST, title, detail);
    }

    public static ProblemException notFound(String what, String id) {
        return new ProblemException(HttpStatus.NOT_FOUND, what + " not found",
                "No " + what.toLowerCase() + " has id '" + id + "'. List them with GET to find a valid id.");
    }

    public static ProblemException conflict(String title, String detail) {
        return new ProblemException(HttpStatus.CONFLICT, title, detail);
    }

    public ProblemException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    /** Adds a Retry-After header (a full queue). */
    public ProblemException retryAfter(long seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
