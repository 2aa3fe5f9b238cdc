package dev.attune.system;

import java.net.URI;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * A problem's {@code instance} is the request path, which the caller chose: cut to {@link #MAX_LENGTH}
 * characters, so a 5,000-character id is not echoed back whole.
 */
@RestControllerAdvice
class ProblemInstanceAdvice implements ResponseBodyAdvice<Object> {

    static final int MAX_LENGTH = 200;

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
            ServerHttpResponse response) {
        if (body instanceof ProblemDetail problem && problem.getInstance() != null) {
            String path = problem.getInstance().getRawPath();
            if (path != null && path.length() > MAX_LENGTH) {
                String cut = path.substring(0, MAX_LENGTH);
                int escape = cut.lastIndexOf('%');
                if (escape >= cut.length() - 2) {
                    cut = cut.substring(0, escape); // never half a %XX escape
                }
                problem.setInstance(URI.create(cut));
            }
        }
        return body;
    }
}
