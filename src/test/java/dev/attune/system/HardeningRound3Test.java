package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import dev.attune.files.FileTrees;
import dev.attune.support.Golden;
import dev.attune.support.Http;
import dev.attune.support.RawHttp;
import dev.attune.support.TestDataDir;
import dev.attune.support.TrainingData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Issue 26's defects in model sources: NUL bytes, probing for paths, revisions of local paths, broken tokenizers. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HardeningRound3Test {

    private static final Path ROOT = Golden.dir("tiny-bert").getParent();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.registerWithGoldenImports(registry);
    }

    @LocalServerPort
    int port;
    private Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    @Test
    void aNulInAnImportPathIs400() {
        Http.Response response = importModel(ROOT + "/tiny-bert-sst2\u0000x");
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("title").stringValue()).isEqualTo("Invalid characters");
        assertThat(response.json().get("detail").stringValue()).contains("code 0");
    }

    @Test
    void aNulInAJobsBaseModelIs400() {
        Http.Response response = submitJob(ROOT + "/tiny-bert\u0000");
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("errors").toString()).contains("baseModel").contains("control character");
    }

    @Test
    void aMissingPathOutsideTheRootsIs403LikeAnExistingOne() {
        assertThat(importModel("/no/such/dir/anywhere").status()).isEqualTo(403);
        assertThat(importModel("/tmp").status()).isEqualTo(403);
        Http.Response inside = importModel(ROOT + "/no-such-model");
        assertThat(inside.status()).isEqualTo(400);
        assertThat(inside.json().get("title").stringValue()).isEqualTo("No such directory");
    }

    @Test
    void aRevisionOfALocalPathIs400() {
        Http.Response response = http.postJson("/api/v1/models/import", """
                {"source": "%s", "revision": "v2"}""".formatted(ROOT + "/tiny-bert-sst2"));
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("title").stringValue()).isEqualTo("Revision of a local path");
    }

    @Test
    void aJobOnABaseModelWithABrokenTokenizerIsRefusedAtSubmission() throws IOException {
        Path broken = Files.createTempDirectory(ROOT, "broken-tokenizer-");
        try {
            for (String file : new String[] {"config.json", "model.safetensors", "tokenizer_config.json"}) {
                Files.copy(ROOT.resolve("tiny-bert").resolve(file), broken.resolve(file));
            }
            Files.writeString(broken.resolve("tokenizer.json"), "{\"version\": ");
            Http.Response response = submitJob(broken.toString());
            assertThat(response.status()).as(response.body()).isEqualTo(400);
            assertThat(response.json().get("errors").toString()).contains("baseModel").contains("tokenizer.json");
        } finally {
            FileTrees.deleteQuietly(broken);
        }
    }

    @Test
    void aNumberTooLargeForItsFieldNamesTheField() {
        Http.Response response = http.postJson("/api/v1/jobs", "{\"datasetId\": \"x\", \"priority\": 99999999999}");
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("field").stringValue()).isEqualTo("priority");
        assertThat(response.json().get("detail").stringValue()).contains("'priority'").contains("within its range");
    }

    @Test
    void aLongIdIsNotEchoedWholeInTheProblemsInstance() {
        Http.Response response = http.get("/api/v1/models/" + "x".repeat(5000));
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("instance").stringValue()).hasSizeLessThanOrEqualTo(200).startsWith("/api/v1/models/x");
        assertThat(response.body()).hasSizeLessThan(2500); // the detail is cut too
    }

    @Test
    void validationProblemsNameFieldsNotJavaMethods() {
        Http.Response response = http.postJson("/predict", "{\"text\": \" \"}");
        assertThat(response.status()).isEqualTo(400); // validated before any model is needed
        assertThat(response.body()).doesNotContain("NonBlankWhenGiven").contains("\\\"text\\\" is empty");
    }

    @Test
    void aGzippedPredictBodyIs415() {
        RawHttp.Response response = RawHttp.sendBody(port, "POST", "/predict", "{\"text\": \"fine\"}",
                "Content-Type: application/json", "Content-Encoding: gzip");
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.body()).contains("Content-Encoding 'gzip'");
    }

    @Test
    void jsonBodiesOfOtherEndpointsHaveASizeCap() {
        String huge = "{\"datasetId\": \"" + "x".repeat(200_000) + "\"}";
        Http.Response response = http.postJson("/api/v1/jobs", huge);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().get("detail").stringValue()).contains("the limit is 65536");
    }

    private Http.Response importModel(String source) {
        return http.postJson("/api/v1/models/import", "{\"source\": " + json(source) + "}");
    }

    private Http.Response submitJob(String baseModel) {
        JsonNode dataset = http.upload("/api/v1/datasets", "train.csv",
                TrainingData.csv(40, 1).getBytes(StandardCharsets.UTF_8), Map.of()).json();
        return http.postJson("/api/v1/jobs", "{\"datasetId\": \"" + dataset.get("id").stringValue()
                + "\", \"baseModel\": " + json(baseModel) + "}");
    }

    private static String json(String value) {
        return tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(value);
    }
}
