package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** /v3/api-docs as a client generator reads it (issue 14): described, typed, with every status an operation gives. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiContractTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.register(registry);
    }

    @LocalServerPort
    int port;

    JsonNode spec;

    @BeforeEach
    void fetch() {
        spec = new Http(port).get("/v3/api-docs").json();
    }

    /** Issue 24: the job body's options are typed, with their values and the defaults from TrainingOptions.DEFAULTS. */
    @Test
    void theJobSchemaListsEachOptionsValuesAndDefault() {
        JsonNode job = spec.get("components").get("schemas").get("JobRequest").get("properties");
        assertThat(job.get("strategy").get("enum").toString()).isEqualTo("[\"full\",\"last_layers\",\"head\",\"lora\",\"setfit\"]");
        assertThat(job.get("strategy").get("default").stringValue()).isEqualTo("full");
        assertThat(job.get("problemType").get("enum")).hasSize(3);
        assertThat(job.get("precision").get("enum").toString()).contains("auto", "fp32", "bf16", "fp16");
        assertThat(job.get("precision").get("default").stringValue()).isEqualTo("auto");
        assertThat(job.get("epochs").get("default").intValue()).isEqualTo(3);
        assertThat(job.get("learningRate").get("default").doubleValue()).isEqualTo(5e-5);
        assertThat(job.get("groupByLength").get("default").booleanValue()).isFalse();
        assertThat(job.get("epochs").get("maximum").intValue()).isEqualTo(1000);
        assertThat(job.get("baseModel").get("type").stringValue()).isEqualTo("string");
        assertThat(spec.get("components").get("schemas").get("JobRequest").get("required").toString())
                .contains("datasetId", "baseModel");
    }

    @Test
    void everySchemaAndPropertyIsDescribed() {
        List<String> undescribed = new ArrayList<>();
        for (Map.Entry<String, JsonNode> schema : spec.get("components").get("schemas").properties()) {
            if (!schema.getValue().has("description")) {
                undescribed.add(schema.getKey());
            }
            for (Map.Entry<String, JsonNode> property : schema.getValue().path("properties").properties()) {
                JsonNode p = property.getValue();
                if (!p.has("description") && !p.has("$ref")) {
                    undescribed.add(schema.getKey() + "." + property.getKey());
                }
            }
        }
        assertThat(undescribed).isEmpty();
    }

    @Test
    void everyRequestPropertyHasAnExample() {
        List<String> withoutExample = new ArrayList<>();
        for (String schema : List.of("JobRequest", "PredictRequest", "ImportModelRequest")) {
            for (Map.Entry<String, JsonNode> property : spec.get("components").get("schemas").get(schema)
                    .get("properties").properties()) {
                if (!property.getValue().has("example") && !property.getValue().has("examples")) {
                    withoutExample.add(schema + "." + property.getKey());
                }
            }
        }
        assertThat(withoutExample).isEmpty();
    }

    @Test
    void operationsDocumentTheirRealSuccessCodesAndProblems() {
        JsonNode paths = spec.get("paths");
        assertThat(paths.get("/api/v1/datasets").get("post").get("responses").has("201")).isTrue();
        assertThat(paths.get("/api/v1/datasets").get("post").get("responses").has("413")).isTrue();
        assertThat(paths.get("/api/v1/datasets/{id}").get("delete").get("responses").propertyNames()).contains("204", "404", "409");
        assertThat(paths.get("/api/v1/jobs").get("post").get("responses").propertyNames()).contains("202", "400", "429");
        assertThat(paths.get("/api/v1/models/import").get("post").get("responses").propertyNames()).contains("201", "403");
        assertThat(paths.get("/predict").get("post").get("responses").propertyNames()).contains("200", "400", "413", "503");
        JsonNode problem = paths.get("/predict").get("post").get("responses").get("503").get("content");
        assertThat(problem.get("application/problem+json").get("schema").get("$ref").stringValue())
                .isEqualTo("#/components/schemas/Problem");
    }

    @Test
    void successBodiesAreJsonAndPredictSaysExactlyOneOfTextAndTexts() {
        List<String> anyType = new ArrayList<>();
        spec.get("paths").properties().forEach(path -> path.getValue().properties().forEach(operation ->
                operation.getValue().path("responses").properties().forEach(response -> {
                    if (response.getKey().startsWith("2") && response.getValue().path("content").has("*/*")) {
                        anyType.add(operation.getKey() + " " + path.getKey() + " " + response.getKey());
                    }
                })));
        assertThat(anyType).isEmpty();
        assertThat(spec.get("components").get("schemas").get("PredictRequest").get("description").stringValue())
                .contains("exactly one of");
    }

    @Test
    void bodiesAreTypedNotJsonInternalsAndNamesAreEnums() {
        JsonNode schemas = spec.get("components").get("schemas");
        assertThat(schemas.get("PredictRequest").get("properties").propertyNames()).contains("text", "texts", "model");
        assertThat(spec.toString()).doesNotContain("valueNode").doesNotContain("missingNode");
        assertThat(schemas.get("JobResponse").get("properties").get("progress").has("type")
                && schemas.get("JobResponse").get("properties").get("progress").get("type").stringValue().equals("string"))
                .as("progress is an object, not a string").isFalse();
        assertThat(schemas.toString()).contains("\"last_layers\"", "\"f1_macro\"");
    }

    @Test
    void theApiKeySchemeIsDeclaredAndOptionalWhileKeysAreOff() {
        JsonNode scheme = spec.path("components").path("securitySchemes").path("apiKey");
        assertThat(scheme.path("type").stringValue()).isEqualTo("apiKey");
        assertThat(scheme.path("in").stringValue()).isEqualTo("header");
        assertThat(scheme.path("name").stringValue()).isEqualTo("X-API-Key");
        assertThat(spec.get("security").toString()).isEqualTo("[{\"apiKey\":[]},{}]");
    }
}
