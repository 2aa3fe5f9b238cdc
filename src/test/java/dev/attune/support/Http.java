package dev.attune.support;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real HTTP client for tests against the service on a random port; never throws on 4xx/5xx. */
public final class Http {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RestClient client;

    public Http(int port, Map<String, String> headers) {
        this.client = RestClient.builder()
                .baseUrl("http://localhost:" + port)
                .defaultHeaders(h -> headers.forEach(h::add))
                .defaultStatusHandler(status -> true, (request, response) -> {
                })
                .build();
    }

    public Http(int port) {
        this(port, Map.of());
    }

    public Response get(String path) {
        return wrap(client.get().uri(path).retrieve().toEntity(String.class));
    }

    public Response delete(String path) {
        return wrap(client.delete().uri(path).retrieve().toEntity(String.class));
    }

    public Response postJson(String path, String json) {
        return wrap(client.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(json)
                .retrieve().toEntity(String.class));
    }

    public Response postJson(String path, String json, Map<String, String> headers) {
        return wrap(client.post().uri(path).contentType(MediaType.APPLICATION_JSON).headers(h -> headers.forEach(h::add))
                .body(json).retrieve().toEntity(String.class));
    }

    public Response putJson(String path, String json) {
        return wrap(client.put().uri(path).contentType(MediaType.APPLICATION_JSON).body(json)
                .retrieve().toEntity(String.class));
    }

    public Response upload(String path, Path file, Map<String, String> fields) {
        return upload(path, new FileSystemResource(file), fields);
    }

    public Response upload(String path, String fileName, byte[] content, Map<String, String> fields) {
        return upload(path, new ByteArrayResource(content) {
            @Override
            public String getFilename() {
                return fileName;
            }
        }, fields);
    }

    private Response upload(String path, Resource file, Map<String, String> fields) {
        MultiValueMap<String, Object> parts = new LinkedMultiValueMap<>();
        parts.add("file", file);
        fields.forEach(parts::add);
        return wrap(client.post().uri(path).contentType(MediaType.MULTIPART_FORM_DATA).body(parts)
                .retrieve().toEntity(String.class));
    }

    private static Response wrap(ResponseEntity<String> entity) {
        return new Response(entity.getStatusCode().value(), entity.getHeaders(), entity.getBody());
    }

    /** Status, headers and body; {@link #json()} parses the body. */
    public record Response(int status, HttpHeaders headers, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String contentType() {
            MediaType type = headers.getContentType();
            return type == null ? null : type.toString();
        }
    }
}
