package dev.attune.serving;

import java.io.IOException;

import dev.attune.system.AttuneProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Refuses predict bodies over attune.predict.max-body-size with 413 before reading them. */
@Component
class PredictBodyLimitFilter extends OncePerRequestFilter {

    private final long maxBytes;

    PredictBodyLimitFilter(AttuneProperties properties) {
        this.maxBytes = properties.predict().maxBodySize().toBytes();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.equals("/predict") || (path.startsWith("/api/v1/models/") && path.endsWith("/predict")));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > maxBytes) {
            response.setStatus(HttpStatus.PAYLOAD_TOO_LARGE.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getWriter().write("""
                    {"type":"about:blank","title":"Request too large","status":413,"detail":"The body has %d bytes; \
                    the limit is %d (attune.predict.max-body-size). Send fewer or shorter texts per request."}"""
                    .formatted(length, maxBytes));
            return;
        }
        chain.doFilter(request, response);
    }
}
