package dev.attune.job;

import java.util.ArrayList;
import java.util.List;

import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.converter.ResolvedSchema;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.media.Schema;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The job resource's {@code config} is the spec of the job's kind: the API document lists every kind this node runs
 * (any of their schemas, as {@code kind} says), from the registered {@link JobHandler}s, so the queue documents
 * kinds it does not import.
 */
@Configuration(proxyBeanMethods = false)
class JobApiDocs {

    @Bean
    OpenApiCustomizer jobConfigOfEveryKind(ObjectProvider<JobHandler> handlers) {
        return api -> {
            if (api.getComponents() == null) {
                api.setComponents(new Components());
            }
            Components components = api.getComponents();
            List<Schema> kinds = new ArrayList<>();
            for (JobHandler handler : handlers.orderedStream().toList()) {
                // springdoc's converters (OpenAPI 3.1): the same schema, descriptions included, as an operation's
                ResolvedSchema resolved = ModelConverters.getInstance(true)
                        .readAllAsResolvedSchema(new AnnotatedType(handler.kind().specType()));
                if (resolved == null || resolved.schema == null || resolved.schema.getName() == null) {
                    continue;
                }
                // a schema a kind's own customizer added (and adjusted) already stays as it is
                resolved.referencedSchemas.forEach((name, schema) -> {
                    if (components.getSchemas() == null || !components.getSchemas().containsKey(name)) {
                        components.addSchemas(name, schema);
                    }
                });
                kinds.add(new Schema<>().$ref("#/components/schemas/" + resolved.schema.getName()));
            }
            Schema<?> response = components.getSchemas() == null ? null : components.getSchemas().get("JobResponse");
            if (response == null || response.getProperties() == null || kinds.isEmpty()) {
                return;
            }
            Schema<?> config = (Schema<?>) response.getProperties().get("config");
            Schema<Object> byKind = new Schema<>();
            byKind.setAnyOf(kinds); // the kinds' specs share fields (name, priority): kind tells which it is
            byKind.setDescription(config == null ? null : config.getDescription());
            response.getProperties().put("config", byKind);
            components.getSchemas().remove("JobSpec"); // the Java type springdoc saw: no operation names it now
        };
    }
}
