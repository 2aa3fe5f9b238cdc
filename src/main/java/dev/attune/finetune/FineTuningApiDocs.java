package dev.attune.finetune;

import java.util.List;
import java.util.Map;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.media.Schema;

import dev.attune.training.EvaluationPoint;
import dev.attune.training.TrainingOptions;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The job schema states each option's default from {@link TrainingOptions#DEFAULTS}, the one place they
 * live, so the API docs cannot drift from what a job gets. The queue's job resource refers to JobConfig and
 * EvaluationPoint by name (it imports no feature): they are added here.
 */
@Configuration(proxyBeanMethods = false)
class FineTuningApiDocs {

    /** Schemas with the training options among their properties: the request (they sit in it) and the stored set. */
    private static final List<String> WITH_OPTIONS = List.of("JobRequest", "TrainingOptions");
    /** Options whose value takes several shapes: no default stated in the schema (the customizer may run again). */
    private static final List<String> SEVERAL_SHAPES = List.of("classWeights", "thresholds");

    @Bean
    OpenApiCustomizer trainingOptionDefaults(ObjectMapper mapper) {
        JsonNode defaults = mapper.valueToTree(TrainingOptions.DEFAULTS);
        return api -> {
            if (api.getComponents() == null) {
                api.setComponents(new Components());
            }
            // the job resource refers to them (the queue imports no feature): added here, before the adjustments below
            for (Class<?> type : List.of(FineTuningConfig.class, EvaluationPoint.class)) {
                ModelConverters.getInstance(true).readAll(new AnnotatedType(type)) // springdoc's (OpenAPI 3.1)
                        .forEach((name, schema) -> {
                            if (api.getComponents().getSchemas() == null
                                    || !api.getComponents().getSchemas().containsKey(name)) {
                                api.getComponents().addSchemas(name, schema);
                            }
                        });
            }
            Map<String, Schema> schemas = api.getComponents().getSchemas();
            for (String name : WITH_OPTIONS) {
                Schema<?> schema = schemas.get(name);
                if (schema == null || schema.getProperties() == null) {
                    continue;
                }
                schema.getProperties().forEach((field, property) -> {
                    JsonNode value = defaults.get(field);
                    // a value of several shapes (classWeights, thresholds) states its default in its description:
                    // client generators cannot type a default of a oneOf
                    if (value != null && !value.isNull() && !SEVERAL_SHAPES.contains(field)) {
                        property.setDefault(value.isString() ? value.asString() : value.isBoolean() ? value.asBoolean()
                                : value.isIntegralNumber() ? (Object) value.asLong() : value.asDouble());
                    }
                });
                Schema<?> weights = schema.getProperties().get("classWeights");
                if (weights != null) {
                    // "none", "balanced" or a map label -> weight: any JSON value, as the description says. A oneOf
                    // with an empty branch matches anything (a lint error), and one with a typed map branch breaks
                    // openapi-generator's Java client (it writes Map<String, BigDecimal>.class)
                    weights.setOneOf(null);
                }
            }
        };
    }
}
