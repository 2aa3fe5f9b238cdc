package dev.attune.system;

import java.io.IOException;

/** Thrown while reading a request body that passes its size limit; answered 413 by {@link ProblemHandler}. */
public class BodyTooLargeException extends IOException {

    public BodyTooLargeException(String message) {
        super(message);
    }
}
