package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Named keys with scopes (issue 26): configuration holds SHA-256 digests, a missing scope is a 403 naming it, the
 * key's name is recorded on the jobs it submits and in the access log; the single-list form keeps every scope.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "attune.security.api-keys=legacy-key",
        "attune.security.keys[0].name=storefront",
        "attune.security.keys[0].sha256=44cfdcdd88354fa1412781f5a01a901c9112db33bfa8b165fbec9b618d9cf112", // printf %s shop-key | sha256sum
        "attune.security.keys[0].scopes=predict",
        "attune.security.keys[1].name=ops",
        "attune.security.keys[1].sha256=2c69bc9111c27110a9b9a7974ba3f8ac0c053c16b23a0738115ee829fbc4d57b", // printf %s ops-key | sha256sum
        "attune.security.keys[1].scopes=read,write",
        "server.tomcat.accesslog.enabled=true",
        "server.tomcat.accesslog.buffered=false"})
class ApiKeyScopesTest {

    private static Path accessLogs;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        TestDataDir.registerWithGoldenImports(registry);
        accessLogs = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "access-logs-");
        registry.add("server.tomcat.accesslog.directory", accessLogs::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void aPredictOnlyKeyCannotReadOrChangeAnything() {
        Http storefront = new Http(port, Map.of("X-API-Key", "shop-key"));
        assertThat(storefront.postJson("/predict", "{\"text\": \"fine\"}").status()).isIn(200, 503); // 503: no model yet
        Http.Response delete = storefront.delete("/api/v1/models/some-id");
        assertThat(delete.status()).isEqualTo(403);
        assertThat(delete.contentType()).startsWith("application/problem+json");
        assertThat(delete.json().get("title").stringValue()).isEqualTo("Missing scope");
        assertThat(delete.json().get("scope").stringValue()).isEqualTo("write");
        assertThat(delete.json().get("detail").stringValue()).contains("'storefront'").contains("[predict]");
        assertThat(storefront.get("/api/v1/jobs").json().get("scope").stringValue()).isEqualTo("read");
        assertThat(storefront.get("/actuator/metrics").status()).isEqualTo(403);
        // an encoded path is no way round the scopes: refused by the firewall (400), else checked decoded (403)
        Http.Response encoded = storefront.delete("/%61pi/v1/models/some-id");
        assertThat(encoded.status()).isIn(400, 403);
        assertThat(encoded.contentType()).startsWith("application/problem+json");
    }

    /** Naming a model loads it: a key that may only call /predict cannot make the node load any model (issue 32). */
    @Test
    void predictingByAModelsIdNeedsTheReadScope() {
        Http legacy = new Http(port, Map.of("X-API-Key", "legacy-key"));
        Http.Response imported = legacy.postJson("/api/v1/models/import",
                "{\"source\": \"%s\"}".formatted(Golden.dir("tiny-bert-sst2")));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String id = imported.json().get("id").stringValue();
        Http storefront = new Http(port, Map.of("X-API-Key", "shop-key"));

        Http.Response byPath = storefront.postJson("/api/v1/models/" + id + "/predict", "{\"text\": \"fine\"}");
        assertThat(byPath.status()).isEqualTo(403);
        assertThat(byPath.json().get("scope").stringValue()).isEqualTo("read");
        assertThat(storefront.postJson("/%61pi/v1/models/" + id + "/predict", "{\"text\": \"fine\"}").status())
                .isIn(400, 403);
        Http.Response byBody = storefront.postJson("/predict", "{\"text\": \"fine\", \"model\": \"%s\"}".formatted(id));
        assertThat(byBody.status()).isEqualTo(403);
        assertThat(byBody.contentType()).startsWith("application/problem+json");
        assertThat(byBody.json().get("detail").stringValue()).contains("attune.predict.by-model-scope");

        Http ops = new Http(port, Map.of("X-API-Key", "ops-key"));
        assertThat(ops.postJson("/api/v1/models/" + id + "/predict", "{\"text\": \"fine\"}").status()).isEqualTo(200);
        assertThat(legacy.postJson("/predict", "{\"text\": \"fine\", \"model\": \"%s\"}".formatted(id)).status())
                .isEqualTo(200);
    }

    @Test
    void aReadWriteKeySubmitsJobsUnderItsName() throws IOException {
        Http ops = new Http(port, Map.of("X-API-Key", "ops-key"));
        String dataset = ops.upload("/api/v1/datasets", "train.csv", TrainingData.csv(40, 1).getBytes(StandardCharsets.UTF_8),
                Map.of()).json().get("id").stringValue();
        Http.Response job = ops.postJson("/api/v1/jobs", """
                {"datasetId": "%s", "baseModel": "%s", "epochs": 1}""".formatted(dataset, Golden.dir("tiny-bert")));
        assertThat(job.status()).as(job.body()).isEqualTo(202);
        assertThat(job.json().get("submittedBy").stringValue()).isEqualTo("ops");
        String id = job.json().get("id").stringValue();
        assertThat(ops.get("/api/v1/jobs/" + id).json().get("submittedBy").stringValue()).isEqualTo("ops");
        assertThat(ops.postJson("/predict", "{\"text\": \"fine\"}").status()).isEqualTo(403); // no predict scope
        try (Stream<Path> files = Files.list(accessLogs)) {
            String log = String.join("\n", files.map(ApiKeyScopesTest::read).toList());
            assertThat(log).contains(" ops [").contains("POST /api/v1/jobs");
        }
    }

    @Test
    void theSingleListFormHasEveryScopeAndWrongKeysAre401() {
        Http legacy = new Http(port, Map.of("X-API-Key", "legacy-key"));
        assertThat(legacy.get("/api/v1/datasets").status()).isEqualTo(200);
        assertThat(legacy.get("/actuator/metrics").status()).isEqualTo(200);
        assertThat(new Http(port, Map.of("X-API-Key", "shop-key-typo")).get("/api/v1/datasets").status()).isEqualTo(401);
        assertThat(new Http(port).get("/api/v1/datasets").status()).isEqualTo(401);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
