package dev.attune.system;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * Guards every request body that is not an upload: predict bodies over attune.predict.max-body-size and other
 * JSON bodies over {@link #MAX_OTHER_BODY} get 413, at once when Content-Length says so, else (chunked bodies)
 * as soon as reading passes the limit; a compressed body (Content-Encoding other than identity) gets 415.
 * Uploads (multipart) have their own limit, attune.datasets.max-upload-size.
 */
@Component
class JsonBodyFilter extends OncePerRequestFilter {

    /** A job, an import or a promotion is a few hundred bytes; anything near this is not a mistake. */
    static final long MAX_OTHER_BODY = 64 * 1024;

    private final long maxPredictBytes;

    JsonBodyFilter(AttuneProperties properties) {
        this.maxPredictBytes = properties.predict().maxBodySize().toBytes();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase().startsWith("multipart/");
    }

    private static boolean isPredict(HttpServletRequest request) {
        return PredictPaths.isAnyPredict(PredictPaths.of(request));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String encoding = request.getHeader("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            problem(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Compressed body", "The body is sent with "
                    + "Content-Encoding '" + Problems.echo(encoding) + "', which this API does not decode. Send it "
                    + "uncompressed (no Content-Encoding header).");
            return;
        }
        boolean predict = isPredict(request);
        long maxBytes = predict ? maxPredictBytes : MAX_OTHER_BODY;
        String fix = predict ? "(attune.predict.max-body-size). Send fewer or shorter texts per request."
                : "for this endpoint. Its bodies are small JSON objects: check what is being sent.";
        long length = request.getContentLengthLong();
        if (length > maxBytes) {
            problem(response, HttpStatus.PAYLOAD_TOO_LARGE, "Request too large", "The body has " + length
                    + " bytes; the limit is " + maxBytes + " " + fix);
            return;
        }
        chain.doFilter(new LimitedRequest(request, maxBytes, fix), response);
    }

    private static void problem(HttpServletResponse response, HttpStatus status, String title, String detail)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":" + json(title) + ",\"status\":" + status.value()
                + ",\"detail\":" + json(detail) + "}");
    }

    private static String json(String text) {
        return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(text);
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {

        private final long limit;
        private final String fix;

        LimitedRequest(HttpServletRequest request, long limit, String fix) {
            super(request);
            this.limit = limit;
            this.fix = fix;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    count(b < 0 ? 0 : 1);
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = in.read(buffer, offset, length);
                    count(Math.max(0, n));
                    return n;
                }

                private void count(int n) throws IOException {
                    read += n;
                    if (read > limit) {
                        throw new BodyTooLargeException("The request body is larger than " + limit + " bytes " + fix);
                    }
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
