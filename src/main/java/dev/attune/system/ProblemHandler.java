package dev.attune.system;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import dev.attune.checkpoint.HubException;
import dev.attune.errors.AttuneException;
import dev.attune.errors.Conflict;
import dev.attune.errors.Forbidden;
import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.errors.Overloaded;
import dev.attune.errors.TooLarge;
import dev.attune.errors.Unavailable;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import dev.attune.checkpoint.CheckpointException;
import dev.attune.checkpoint.NonFiniteWeights;
import dev.attune.files.DiskFull;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import java.util.stream.Collectors;

/** Turns every error into RFC 9457 problem+json: ours, Spring MVC's and unexpected ones. */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final AttuneProperties properties;

    ProblemHandler(AttuneProperties properties) {
        this.properties = properties;
    }

    /** The one place a domain failure becomes an HTTP status (every kind is listed: ProblemHandlerTest checks). */
    static final Map<Class<? extends AttuneException>, HttpStatus> STATUS = Map.of(
            InvalidInput.class, HttpStatus.BAD_REQUEST,
            NotFound.class, HttpStatus.NOT_FOUND,
            Conflict.class, HttpStatus.CONFLICT,
            Forbidden.class, HttpStatus.FORBIDDEN,
            TooLarge.class, HttpStatus.PAYLOAD_TOO_LARGE,
            Overloaded.class, HttpStatus.TOO_MANY_REQUESTS,
            Unavailable.class, HttpStatus.SERVICE_UNAVAILABLE);

    static HttpStatus statusOf(AttuneException ex) {
        return STATUS.get(ex.getClass());
    }

    @ExceptionHandler(AttuneException.class)
    ResponseEntity<ProblemDetail> handleProblem(AttuneException ex) {
        HttpStatus status = statusOf(ex);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, Problems.detail(ex.getMessage()));
        body.setTitle(ex.title());
        ex.properties().forEach((name, value) -> body.setProperty(name, Problems.bounded(value)));
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (ex.retryAfterSeconds() != null) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(ex.retryAfterSeconds()));
        }
        return response.body(body);
    }

    @ExceptionHandler(CheckpointException.class)
    ResponseEntity<ProblemDetail> handleCheckpoint(CheckpointException ex) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage()
                + ". Fix or re-export the checkpoint (config.json, model.safetensors, tokenizer.json) and retry.");
        body.setTitle("Unusable checkpoint");
        return ResponseEntity.badRequest().body(body);
    }

    /** Weights holding NaN or an infinity: refused naming the tensor (its name also machine-readable). */
    @ExceptionHandler(NonFiniteWeights.class)
    ResponseEntity<ProblemDetail> handleNonFinite(NonFiniteWeights ex) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage()
                + ". Nothing was stored. Fix or re-export the weights and retry.");
        body.setTitle("Non-finite weights");
        body.setProperty("tensor", ex.tensor());
        return ResponseEntity.badRequest().body(body);
    }

    /**
     * A failure handed back by another thread (a micro-batch run for several requests): answered as the failure
     * itself, so a domain failure keeps its status.
     */
    @ExceptionHandler(CompletionException.class)
    ResponseEntity<ProblemDetail> handleCompletion(CompletionException ex) {
        return ex.getCause() instanceof AttuneException cause ? handleProblem(cause) : handleUnexpected(ex);
    }

    @ExceptionHandler(HubException.class)
    ResponseEntity<ProblemDetail> handleHub(HubException ex) {
        HttpStatus status = HttpStatus.valueOf(ex.status());
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
        body.setTitle("Hugging Face Hub download failed");
        return ResponseEntity.status(status).body(body);
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE,
                "The upload is larger than the limit of " + properties.datasets().maxUploadSize()
                        + ". Split the file, compress it (.gz is accepted), or raise attune.datasets.max-upload-size.");
        body.setTitle("Upload too large");
        body.setProperty("limitBytes", properties.datasets().maxUploadSize().toBytes());
        return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).body(body);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<String> errors = ex.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> result.getMethodParameter().getParameterName() + ": " + error.getDefaultMessage()))
                .toList();
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "Invalid request: " + String.join("; ", errors) + ". Correct these parameters and retry.");
        body.setTitle("Invalid request");
        body.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(body);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // an @AssertTrue rule is a method (isTextNonBlankWhenGiven): its message names the JSON fields, the
        // method's name means nothing to a caller
        List<String> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(error -> "AssertTrue".equals(error.getCode()) ? error.getDefaultMessage()
                        : error.getField() + ": " + error.getDefaultMessage())
                .toList();
        String listed = String.join("; ", errors);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Invalid request: " + listed
                + (listed.endsWith(".") ? "" : ".") + " Correct these fields and retry.");
        body.setTitle("Invalid request");
        body.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(body);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLargeException tooLarge) {
                ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE, tooLarge.getMessage());
                body.setTitle("Request too large");
                return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).body(body);
            }
        }
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnrecognizedPropertyException unknown) {
                ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The field '"
                        + Problems.echo(unknown.getPropertyName()) + "' is not part of this request. Remove it or fix its "
                        + "spelling; the known fields are " + JsonFields.of(unknown.getReferringClass(), unknown.getKnownPropertyIds())
                        + ".");
                body.setTitle("Unknown field");
                body.setProperty("field", Problems.echo(unknown.getPropertyName()));
                return ResponseEntity.badRequest().body(body);
            }
        }
        String field = null;
        String expected = null;
        String refusal = null; // a value a creator refused (an unknown enum name): its own message says why
        for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalArgumentException refused && refusal == null) {
                refusal = refused.getMessage();
            }
        }
        for (Throwable cause = ex; cause != null && field == null; cause = cause.getCause()) {
            if (cause instanceof tools.jackson.core.JacksonException bind && !bind.getPath().isEmpty()) {
                String path = bind.getPath().stream().map(ref -> ref.getPropertyName() != null
                        ? "." + ref.getPropertyName() : "[" + ref.getIndex() + "]").collect(Collectors.joining());
                field = path.startsWith(".") ? path.substring(1) : path;
                if (bind instanceof tools.jackson.databind.exc.MismatchedInputException mismatch) {
                    expected = describe(mismatch.getTargetType());
                }
            }
            if (cause instanceof tools.jackson.core.exc.InputCoercionException outOfRange) {
                // a number too large for its field: the parser still knows which field it was reading
                if (field == null && outOfRange.processor() != null) {
                    field = outOfRange.processor().streamReadContext().currentName();
                }
                expected = describe(outOfRange.getTargetType()) + " within its range";
            }
        }
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, field != null && refusal != null
                ? "The field '" + Problems.echo(field) + "' is invalid: " + Problems.echo(refusal) + ". Send one of "
                        + "the values the API docs (/swagger-ui.html) show."
                : field != null
                ? "The field '" + Problems.echo(field) + "' has the wrong type" + (expected == null ? "" : ": it must be "
                        + expected) + ". Send it as the API docs (/swagger-ui.html) show."
                : "The request body is not readable JSON of the expected shape. Check the syntax and the field types; "
                        + "the API docs (/swagger-ui.html) show each body.");
        if (field != null) {
            body.setProperty("field", field);
            if (refusal != null) { // the same "errors" list as every other invalid field
                body.setProperty("errors", List.of(Problems.echo(field) + ": " + Problems.echo(refusal)));
            }
        }
        body.setTitle(refusal != null && field != null ? "Invalid field" : "Unreadable request body");
        return ResponseEntity.badRequest().body(body);
    }

    /**
     * 507: the data dir's disk is full. Whatever the request was writing was removed (uploads, models and
     * checkpoints are written to a temporary name first); the service recovers once space is freed.
     */
    private ResponseEntity<ProblemDetail> diskFull() {
        long free = DiskFull.usableBytes(properties.dataDir());
        log.warn("A request failed: the data dir's disk is full ({} bytes free)", free);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.INSUFFICIENT_STORAGE, "The disk holding the "
                + "data directory is full (" + (free < 0 ? "free space unknown" : free + " bytes free") + "). Nothing was "
                + "kept of this request. Free space there (delete unused data sets or models, or grow the volume), then "
                + "retry.");
        body.setTitle("Disk full");
        body.setProperty("freeBytes", free);
        return ResponseEntity.status(HttpStatus.INSUFFICIENT_STORAGE).body(body);
    }

    /** A JSON type in words, for "it must be ...". */
    private static String describe(Class<?> type) {
        if (type == null) {
            return null;
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return java.util.Collection.class.isAssignableFrom(type) ? "an array" : null;
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(MissingServletRequestPartException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The multipart part '" + ex.getRequestPartName() + "' is missing. Send it, e.g. curl -F "
                        + ex.getRequestPartName() + "=@reviews.csv ...");
        body.setTitle("Missing part");
        return ResponseEntity.badRequest().body(body);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "Content-Type '" + ex.getContentType() + "' is not accepted here; send one of "
                        + ex.getSupportedMediaTypes() + ".");
        body.setTitle("Unsupported media type");
        return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).headers(headers).body(body);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> handleUnexpected(Exception ex) {
        if (DiskFull.causedBy(ex)) {
            return diskFull();
        }
        log.error("Unexpected error", ex);
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "An unexpected error occurred (" + ex.getClass().getSimpleName()
                        + "). Nothing was changed; the server log has the details.");
        body.setTitle("Internal error");
        return ResponseEntity.internalServerError().body(body);
    }
}
