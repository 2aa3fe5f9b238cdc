package dev.attune.system;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem+json statuses an endpoint can answer beyond those every API operation can (400, 404 for
 * an id, 401 with keys, 500): documented in the OpenAPI by {@link OpenApiConfiguration}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ProblemResponses {

    /** HTTP statuses, e.g. 409 or 413. */
    int[] value();
}
