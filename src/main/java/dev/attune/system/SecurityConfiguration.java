package dev.attune.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

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
 * Optional API keys: when {@code attune.security.api-keys} lists keys, /api/** and /predict need a
 * matching {@code X-API-Key} header, and so do the actuator's endpoints except health, whose details
 * (disk path, engine) only a key holder sees. The OpenAPI docs stay public. Off when the list is empty.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String HEADER = "X-API-Key";

    @Bean
    SecurityFilterChain apiKeyChain(HttpSecurity http, AttuneProperties properties) throws Exception {
        http.csrf(csrf -> csrf.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .headers(headers -> headers.frameOptions(frame -> frame.sameOrigin()));
        if (properties.security().enabled()) {
            http.addFilterBefore(new ApiKeyFilter(properties.security().apiKeys()), AnonymousAuthenticationFilter.class)
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
                    "local", null, AuthorityUtils.createAuthorityList("ROLE_API")));
            chain.doFilter(request, response);
        }
    }

    /** Authenticates a request whose X-API-Key equals a configured key (constant-time compare). */
    static final class ApiKeyFilter extends OncePerRequestFilter {

        private final List<byte[]> keys;

        ApiKeyFilter(List<String> keys) {
            this.keys = keys.stream().filter(key -> key != null && !key.isBlank())
                    .map(key -> key.getBytes(StandardCharsets.UTF_8)).toList();
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String presented = request.getHeader(HEADER);
            if (presented != null && matches(presented.getBytes(StandardCharsets.UTF_8))) {
                var token = UsernamePasswordAuthenticationToken.authenticated("api-key", null,
                        AuthorityUtils.createAuthorityList("ROLE_API"));
                SecurityContextHolder.getContext().setAuthentication(token);
            }
            chain.doFilter(request, response);
        }

        private boolean matches(byte[] presented) {
            boolean found = false;
            for (byte[] key : keys) {
                found |= MessageDigest.isEqual(key, presented);
            }
            return found;
        }
    }
}
