package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.RawHttp;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Issue 13's break-in attempts with API keys on: odd addresses, the actuator, leftovers, huge lines. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "attune.security.api-keys=k3y")
@ExtendWith(OutputCaptureExtension.class)
class HardeningApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static Path dataDir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        dataDir = TestDataDir.registerWithGoldenImports(registry);
        // what a transfer killed by kill -9 leaves behind
        Files.createDirectories(dataDir.resolve("tmp/uploads"));
        Files.write(dataDir.resolve("tmp/uploads/upload_0123.tmp"), new byte[4096]);
    }

    @LocalServerPort
    int port;

    @Test
    void uploadsSpoolUnderTheDataDirAndLeftoversAreRemovedAtStart() {
        assertThat(dataDir.resolve("tmp/uploads")).isDirectory();
        assertThat(dataDir.resolve("tmp/uploads/upload_0123.tmp")).doesNotExist();
    }

    @Test
    void oddAddressesAndMethodsAreAnsweredWithProblemJson() {
        String[][] requests = {
                {"GET", "//predict"}, {"POST", "/predict;jsessionid=x"}, {"GET", "/api/v1/%2e%2e/predict"},
                {"TRACE", "/"}, {"GET", "/api/v1/datasets%2Fx"}, {"GET", "/a%00b"}, {"GET", "/error"},
                {"GET", "/no/such/page"}};
        for (String[] request : requests) {
            RawHttp.Response response = RawHttp.send(port, request[0], request[1], "X-API-Key: k3y");
            String what = request[0] + " " + request[1] + " -> " + response.head() + "\n" + response.body();
            assertThat(response.status()).as(what).isBetween(400, 499);
            assertThat(response.header("Content-Type")).as(what).startsWith("application/problem+json");
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.get("status").intValue()).as(what).isEqualTo(response.status());
            assertThat(body.get("detail").stringValue()).as(what).isNotBlank();
        }
    }

    @Test
    void problemBodiesWrittenOutsideMvcAreUtf8() {
        RawHttp.Response unauthorized = RawHttp.send(port, "GET", "/api/v1/jobs");
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.header("Content-Type")).isEqualToIgnoringCase("application/problem+json;charset=UTF-8");
    }

    @Test
    void onlyHealthStatusIsPublicTheRestOfTheActuatorNeedsAKey() {
        Http anonymous = new Http(port);
        for (String path : new String[] {"/actuator", "/actuator/metrics", "/actuator/metrics/http.server.requests",
                "/actuator/info", "/actuator/prometheus"}) {
            assertThat(anonymous.get(path).status()).as(path).isEqualTo(401);
        }
        Http.Response health = anonymous.get("/actuator/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).doesNotContain(dataDir.toString()).doesNotContain("components");

        Http withKey = new Http(port, Map.of("X-API-Key", "k3y"));
        assertThat(withKey.get("/actuator/metrics").status()).isEqualTo(200);
        assertThat(withKey.get("/actuator/health").json().get("components").has("engine")).isTrue();
    }

    @Test
    void finishedEventStreamsAndDownloadsLogNoErrors(CapturedOutput output) throws Exception {
        Http http = new Http(port, Map.of("X-API-Key", "k3y"));
        String modelId = http.postJson("/api/v1/models/import", "{\"source\": \"" + Golden.dir("tiny-bert-sst2") + "\"}")
                .json().get("id").stringValue();
        Http.Response zip = http.get("/api/v1/models/" + modelId + "/download");
        assertThat(zip.status()).isEqualTo(200);

        String datasetId = http.upload("/api/v1/datasets", "t.csv", "text,label\na,x\nb,y\nc,x\nd,y\n"
                .getBytes(StandardCharsets.UTF_8), Map.of()).json().get("id").stringValue();
        String jobId = http.postJson("/api/v1/jobs", """
                {"datasetId": "%s", "baseModel": "%s", "epochs": 1, "batchSize": 2, "maxLength": 8, "validationSplit": 0.5}"""
                .formatted(datasetId, Golden.dir("tiny-bert"))).json().get("id").stringValue();
        RawHttp.Response events = RawHttp.send(port, "GET", "/api/v1/jobs/" + jobId + "/events", "X-API-Key: k3y");
        assertThat(events.body()).contains("event:status");
        Thread.sleep(Duration.ofMillis(500).toMillis()); // let the async dispatches finish

        assertThat(output.getAll()).doesNotContain("AuthorizationDeniedException").doesNotContain("already committed");
    }

    @Test
    void aFileWithoutLineBreaksIsRefusedAtItsFirstLongLine() {
        byte[] nuls = gzip("\0".repeat((1 << 20) + 10));
        Http.Response response = new Http(port, Map.of("X-API-Key", "k3y")).upload("/api/v1/datasets", "nuls.csv.gz",
                nuls, Map.of());
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("title").stringValue()).isEqualTo("Line too long");
        assertThat(response.json().get("line").intValue()).isEqualTo(1);
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
