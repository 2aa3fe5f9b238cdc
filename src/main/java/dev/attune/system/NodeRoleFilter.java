package dev.attune.system;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A node answers only what its roles ({@code attune.node.roles}) cover: without {@code api}, the REST API
 * and the dashboard are 404 (a worker node serves health and metrics only); without {@code serving},
 * /predict is. The answer says which roles the node has, so a misrouted call is easy to fix.
 */
@Component
class NodeRoleFilter extends OncePerRequestFilter {

    private final LocalNode node;

    NodeRoleFilter(LocalNode node) {
        this.node = node;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return node.has(NodeRole.API) && node.has(NodeRole.SERVING);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        NodeRole needed = roleFor(PredictPaths.of(request));
        if (needed == null || node.has(needed)) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpStatus.NOT_FOUND.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("""
                {"type":"about:blank","title":"Not served by this node","status":404,"detail":"Node %s has the roles \
                %s (attune.node.roles); %s needs a node with the role '%s'. Send it to such a node (or its load \
                balancer)."}""".formatted(Problems.echo(node.name()), node.roles().toString().toLowerCase(),
                Problems.echo(request.getRequestURI()), needed.name().toLowerCase()));
    }

    /** The role a path needs; null for what every node answers (health, metrics, API docs). */
    static NodeRole roleFor(String path) {
        if (PredictPaths.isAnyPredict(path) || path.equals("/api/v1/serving")) {
            return NodeRole.SERVING;
        }
        if (path.startsWith("/actuator") || path.startsWith("/v3/api-docs") || path.startsWith("/swagger-ui")
                || path.equals("/error")) {
            return null;
        }
        return NodeRole.API; // the API under /api and the dashboard's pages and assets
    }
}
