package dev.attune.system;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.MDC;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.HttpStatusRequestRejectedHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Optional API keys: when {@code attune.security.api-keys} or {@code attune.security.keys} lists keys, /api/**
 * and /predict need a matching {@code X-API-Key} header, and so do the actuator's endpoints except health, whose
 * details (disk path, engine) only a key holder sees; a named key may do only what its scopes allow. The OpenAPI
 * docs and the dashboard's files stay public. Off when no key is configured.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String HEADER = "X-API-Key";
    /** The principal of every request while API keys are off. */
    static final String LOCAL = "local";

    @Bean
    SecurityFilterChain apiKeyChain(HttpSecurity http, AttuneProperties properties) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .headers(headers -> headers.frameOptions(frame -> frame.sameOrigin()));
        if (properties.security().enabled()) {
            http.addFilterBefore(new ApiKeyFilter(ApiKeys.of(properties.security()), properties.predict().byModelScope()), AnonymousAuthenticationFilter.class)
                    .authorizeHttpRequests(auth -> auth
                            // async (SSE, downloads) and error dispatches belong to a request already checked
                            .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                            .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                            .requestMatchers("/api/**", "/predict", "/predict/**", "/actuator", "/actuator/**")
                            .authenticated()
                            .anyRequest().permitAll())
                    .exceptionHandling(ex -> ex.authenticationEntryPoint((request, response, e) -> writeUnauthorized(response)));
        } else {
            // Without keys every caller is trusted, and so sees health details as a key holder would.
            http.addFilterBefore(new TrustEveryoneFilter(), AnonymousAuthenticationFilter.class)
                    .authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
        }
        return http.build();
    }

    /** Requests the firewall refuses (//, ;jsessionid, encoded dots) become a 400 rendered by the error controller. */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return new HttpStatusRequestRejectedHandler(HttpStatus.BAD_REQUEST.value());
    }

    /** No users or passwords: stops Spring Boot from generating a default one. */
    @Bean
    UserDetailsService noUsers() {
        return new InMemoryUserDetailsManager();
    }

    private static void writeUnauthorized(HttpServletResponse response) throws IOException {
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("""
                {"type":"about:blank","title":"API key required","status":401,\
                "detail":"This endpoint needs a valid X-API-Key header. Ask the operator for a key \
                (configured in attune.security.api-keys) and send it as X-API-Key: <key>."}""");
    }

    /** Keys off: every request is the local operator (never anonymous, so health shows its details). */
    static final class TrustEveryoneFilter extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                    LOCAL, null, AuthorityUtils.createAuthorityList("ROLE_API")));
            chain.doFilter(request, response);
        }
    }

    /**
     * Authenticates a request whose X-API-Key is a configured key, then checks the key's scopes against what
     * the request needs ({@link ApiScope#required}): a missing scope is a 403 naming it. The key's name goes
     * into the logging MDC ({@code apiKey}) and the request attribute the access log prints.
     */
    static final class ApiKeyFilter extends OncePerRequestFilter {

        static final String NAME_ATTRIBUTE = "attune.apiKey";

        private final ApiKeys keys;
        private final ApiScope byModel;

        ApiKeyFilter(ApiKeys keys, ApiScope byModel) {
            this.keys = keys;
            this.byModel = byModel;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String presented = request.getHeader(HEADER);
            ApiKeys.Key key = presented == null ? null : keys.find(presented);
            if (key == null) {
                chain.doFilter(request, response); // anonymous: the rules answer 401 where a key is needed
                return;
            }
            // the decoded path, as Spring MVC and the authorization rules match it: /%61pi/... is /api/...
            ApiScope needed = ApiScope.required(request.getMethod(), PredictPaths.of(request), byModel);
            if (needed != null && !key.allows(needed)) {
                writeMissingScope(response, key, needed);
                return;
            }
            List<String> authorities = new ArrayList<>(List.of("ROLE_API"));
            key.scopes().forEach(scope -> authorities.add(Callers.SCOPE_PREFIX + scope.id()));
            SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                    key.name(), null, AuthorityUtils.createAuthorityList(authorities)));
            request.setAttribute(NAME_ATTRIBUTE, key.name());
            MDC.put("apiKey", key.name());
            try {
                chain.doFilter(request, response);
            } finally {
                MDC.remove("apiKey");
            }
        }
    }

    private static void writeMissingScope(HttpServletResponse response, ApiKeys.Key key, ApiScope needed)
            throws IOException {
        response.setStatus(HttpStatus.FORBIDDEN.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("type", "about:blank");
        body.put("title", "Missing scope");
        body.put("status", 403);
        body.put("detail", "The key '" + Problems.echo(key.name()) + "' may not do this: it needs the scope '" + needed.id()
                + "' and has " + key.scopeIds() + ". Use a key with that scope, or ask the operator to add it "
                + "(attune.security.keys).");
        body.put("scope", needed.id());
        response.getWriter().write(tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(body));
    }
}
