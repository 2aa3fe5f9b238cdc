package dev.attune.system;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.util.UrlPathHelper;

/**
 * The one rule for which paths are predictions (/predict, and a model's own /api/v1/models/{id}/predict), read by the
 * API-key scopes ({@link ApiScope}), the node roles ({@link NodeRoleFilter}) and the body limits ({@link
 * JsonBodyFilter}). Paths are read decoded, as Spring MVC routes them.
 */
final class PredictPaths {

    private static final UrlPathHelper PATHS = new UrlPathHelper();

    private PredictPaths() {
    }

    /** The request's path as it is routed: decoded, without the context path. */
    static String of(HttpServletRequest request) {
        return PATHS.getPathWithinApplication(request);
    }

    /** POST /predict (or below it). */
    static boolean isPredict(String path) {
        return path.equals("/predict") || path.startsWith("/predict/");
    }

    /** A prediction naming its model in the path: /api/v1/models/{id}/predict. */
    static boolean isModelPredict(String path) {
        return path.startsWith("/api/v1/models/") && path.endsWith("/predict");
    }

    /** Either kind of prediction. */
    static boolean isAnyPredict(String path) {
        return isPredict(path) || isModelPredict(path);
    }
}
