package dev.attune.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for the Hugging Face Hub on loopback, serving one golden checkpoint as
 * {@code org/tiny} (the Hub's /api/models and /resolve routes), plus failure cases:
 * {@code org/missing} (404), {@code org/private} (401) and {@code org/cut} (connection cut in the
 * middle of model.safetensors).
 */
public final class FakeHub implements AutoCloseable {

    public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    private final HttpServer server;
    private final Path checkpoint;
    public final AtomicInteger fileRequests = new AtomicInteger();

    public FakeHub(Path checkpoint) throws IOException {
        this.checkpoint = checkpoint;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            if (path.startsWith("/api/models/org/missing") || path.startsWith("/org/missing/")) {
                send(exchange, 404, "{\"error\":\"Repository not found\"}".getBytes());
            } else if (path.startsWith("/api/models/org/private") || path.startsWith("/org/private/")) {
                send(exchange, 401, "{\"error\":\"Invalid credentials\"}".getBytes());
            } else if (path.startsWith("/api/models/")) {
                send(exchange, 200, info().getBytes(StandardCharsets.UTF_8));
            } else if (path.matches("/org/(tiny|cut)/resolve/[0-9a-f]{40}/.+")) {
                fileRequests.incrementAndGet();
                String file = path.substring(path.indexOf(COMMIT) + COMMIT.length() + 1);
                Path source = checkpoint.resolve(file);
                if (!Files.isRegularFile(source)) {
                    send(exchange, 404, new byte[0]);
                    return;
                }
                byte[] body = Files.readAllBytes(source);
                exchange.getResponseHeaders().add("ETag", "\"etag" + Math.abs(file.hashCode()) + "\"");
                if (path.startsWith("/org/cut/") && file.equals("model.safetensors")) {
                    exchange.sendResponseHeaders(200, body.length);
                    OutputStream out = exchange.getResponseBody();
                    out.write(body, 0, body.length / 2);
                    out.flush();
                    throw new IOException("cut"); // drops the connection mid-file
                }
                send(exchange, 200, body);
            } else {
                send(exchange, 404, new byte[0]);
            }
        }
    }

    private String info() throws IOException {
        List<String> siblings = new ArrayList<>();
        try (var files = Files.list(checkpoint)) {
            files.forEach(file -> siblings.add("{\"rfilename\":\"" + file.getFileName() + "\"}"));
        }
        return "{\"sha\":\"" + COMMIT + "\",\"siblings\":[" + String.join(",", siblings) + "]}";
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
