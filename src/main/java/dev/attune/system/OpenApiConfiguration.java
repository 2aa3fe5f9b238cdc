package dev.attune.system;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document behind Swagger UI (/swagger-ui.html), with the optional API-key scheme. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI attuneOpenApi() {
        return new OpenAPI()
                .info(new Info().title("attune").version("v1")
                        .description("Fine-tune Hugging Face transformers for text classification and serve them."))
                .components(new Components().addSecuritySchemes("apiKey", new SecurityScheme()
                        .type(SecurityScheme.Type.APIKEY).in(SecurityScheme.In.HEADER).name(SecurityConfiguration.HEADER)))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }
}
