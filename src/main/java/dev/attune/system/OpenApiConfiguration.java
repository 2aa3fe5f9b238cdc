package dev.attune.system;

import java.util.Map;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.info.Contact;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document behind Swagger UI (/swagger-ui.html): descriptions come from the Javadoc (records'
 * {@code @param}s), success codes from the controllers' annotations, and every operation lists the
 * problem+json answers it can give. The API-key scheme is always declared (optional while keys are off).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String PROBLEM = "Problem";

    @Bean
    OpenAPI attuneOpenApi(AttuneProperties properties) {
        Components components = new Components().addSchemas(PROBLEM, problemSchema());
        OpenAPI api = new OpenAPI()
                .info(new Info().title("attune").version("v1")
                        .description("Fine-tune Hugging Face transformers for text classification and serve them. "
                                + "Every error is RFC 9457 application/problem+json."))
                .components(components);
        // declared either way, so generated clients know the header; with keys off it is optional (the {} item)
        components.addSecuritySchemes("apiKey", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.HEADER).name(SecurityConfiguration.HEADER)
                .description("One of the keys in attune.security.api-keys or attune.security.keys (each with its "
                        + "scopes: predict, read, write, admin)."));
        api.addSecurityItem(new SecurityRequirement().addList("apiKey"));
        if (!properties.security().enabled()) {
            api.addSecurityItem(new SecurityRequirement());
        }
        // relative: the document describes whichever host serves it (a client sets its base URL)
        api.servers(java.util.List.of(new Server().url("/").description("the attune service that serves this "
                + "document")));
        api.getInfo().contact(new Contact().name("attune maintainers"));
        return api;
    }

    /**
     * Adds the problem answers each operation can give: 400 and 500 everywhere, 404 where a path names
     * a resource, 401 with API keys on (not for health and the docs); others come from the controllers.
     */
    @Bean
    OpenApiCustomizer problemResponses(AttuneProperties properties) {
        return api -> api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            if (!path.startsWith("/api/") && !path.startsWith("/predict")) {
                return;
            }
            problem(operation, "400", "The request is invalid: the detail says what to fix.");
            problem(operation, "500", "An unexpected error; nothing was changed. The server log has the details.");
            if (path.contains("{")) {
                problem(operation, "404", "No resource has this id.");
            }
            if (properties.security().enabled()) {
                problem(operation, "401", "X-API-Key is missing or wrong.");
            }
        }));
    }

    /**
     * Describes the type property of polymorphic schemas: Jackson writes it ({@code @JsonTypeInfo}), so no
     * Java member carries its Javadoc.
     */
    @Bean
    OpenApiCustomizer typeProperties() {
        return api -> {
            var schemas = api.getComponents() == null ? null : api.getComponents().getSchemas();
            if (schemas == null) {
                return;
            }
            schemas.values().forEach(schema -> {
                var property = schema.getProperties() == null ? null
                        : (io.swagger.v3.oas.models.media.Schema<?>) schema.getProperties().get("problemType");
                if (property != null && property.getDescription() == null) {
                    property.setDescription("Which figures these are: "
                            + "single_label_classification, multi_label_classification or regression.");
                }
            });
        };
    }

    /**
     * A raw JSON field documented by reference ({@code @Schema(ref = ...)} on a {@code @JsonRawValue String}) is
     * the referenced schema alone: springdoc would keep the Java type beside the reference ({@code type: string}),
     * which in OpenAPI 3.1 no value satisfies.
     */
    @Bean
    OpenApiCustomizer referencesAlone() {
        return api -> {
            var schemas = api.getComponents() == null ? null : api.getComponents().getSchemas();
            if (schemas == null) {
                return;
            }
            for (io.swagger.v3.oas.models.media.Schema<?> schema : schemas.values()) {
                if (schema.getProperties() == null) {
                    continue;
                }
                for (Object value : schema.getProperties().values()) {
                    io.swagger.v3.oas.models.media.Schema<?> property = (io.swagger.v3.oas.models.media.Schema<?>) value;
                    if (property.get$ref() != null) {
                        property.setType(null);
                        property.setTypes(null);
                    }
                }
            }
        };
    }

    /** What each extra status of {@link ProblemResponses} means. */
    private static final Map<Integer, String> MEANING = Map.of(
            403, "Forbidden: e.g. a path outside attune.models.import-roots, or a Hub repository that needs HF_TOKEN.",
            409, "Conflicts with the current state (the detail says which, e.g. jobs still using it).",
            413, "Larger than the configured limit (attune.datasets.max-upload-size, attune.predict.max-body-size).",
            415, "Wrong Content-Type for this endpoint.",
            422, "The Hub repository has no usable checkpoint (no safetensors or no tokenizer.json).",
            429, "Too many queued jobs (attune.jobs.max-queued): retry after Retry-After seconds.",
            502, "The Hugging Face Hub could not be reached or answered an error.",
            503, "No model can answer yet (none registered, or one loading): retry after Retry-After seconds.");

    /** The extra statuses declared with {@link ProblemResponses} on the controller method. */
    @Bean
    OperationCustomizer declaredProblemResponses() {
        return (operation, handler) -> {
            ProblemResponses declared = handler.getMethodAnnotation(ProblemResponses.class);
            if (declared != null) {
                for (int status : declared.value()) {
                    problem(operation, Integer.toString(status), MEANING.getOrDefault(status, "See the detail."));
                }
            }
            return operation;
        };
    }

    private static void problem(Operation operation, String status, String description) {
        if (operation.getResponses() != null && !operation.getResponses().containsKey(status)) {
            operation.getResponses().addApiResponse(status, problemResponse(description));
        }
    }

    static ApiResponse problemResponse(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType(
                "application/problem+json", new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema().description("RFC 9457 problem details; some problems add facts such as the line "
                        + "or the columns found.")
                .properties(Map.of(
                        "type", new StringSchema().description("a URI for the problem type").example("about:blank"),
                        "title", new StringSchema().description("a short summary").example("Missing column"),
                        "status", new IntegerSchema().description("the HTTP status").example(400),
                        "detail", new StringSchema().description("what was wrong and how to fix it")
                                .example("The file needs a text column 'text' and a label column 'label' but has "
                                        + "[sentence, sentiment]. Rename the columns or pass textColumn and labelColumn."),
                        "instance", new StringSchema().description("the request path").example("/api/v1/datasets")));
    }
}
