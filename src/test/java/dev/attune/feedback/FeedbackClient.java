package dev.attune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import tools.jackson.databind.JsonNode;

/** What the feedback tests do over HTTP: import a golden model, predict, upload, wait for the request log. */
final class FeedbackClient {

    final Http http;

    FeedbackClient(int port) {
        this.http = new Http(port);
    }

    String importModel(String name) {
        Http.Response response = http.postJson("/api/v1/models/import",
                "{\"source\": \"%s\", \"name\": \"%s\"}".formatted(Golden.dir(name), name));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }

    /** One text through the model, as request {@code requestId}: the answer's label. */
    String predict(String model, String text, String requestId) {
        Http.Response answer = http.postJson("/api/v1/models/" + model + "/predict",
                "{\"text\": " + quote(text) + "}", Map.of("X-Request-Id", requestId));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("requestId").stringValue()).isEqualTo(requestId);
        return answer.json().get("predictions").get(0).get("label").stringValue();
    }

    String upload(String csv) {
        Http.Response response = http.upload("/api/v1/datasets", "train.csv", csv.getBytes(StandardCharsets.UTF_8),
                Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().get("id").stringValue();
    }

    /** Waits until the request log holds the request (it is written off the request thread, in batches). */
    JsonNode awaitLogged(String requestId) {
        long deadline = System.currentTimeMillis() + 30_000;
        Http.Response logged = null;
        while (System.currentTimeMillis() < deadline) {
            logged = http.get("/api/v1/feedback/requests/" + requestId);
            if (logged.status() == 200) {
                return logged.json();
            }
            sleep(50);
        }
        throw new AssertionError("request " + requestId + " not in the log after 30 s; last answer: " + logged.status()
                + " " + logged.body());
    }

    /** The live accuracy of one model's answers; null when it has no feedback with a known answer. */
    JsonNode accuracyOf(String model) {
        Http.Response response = http.get("/api/v1/feedback/accuracy?model=" + model);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().isEmpty() ? null : response.json().get(0);
    }

    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
