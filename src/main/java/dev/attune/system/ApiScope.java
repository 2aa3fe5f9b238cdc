package dev.attune.system;

import java.util.Locale;

/**
 * What an API key may do. {@code predict}: /predict and a model's predict; {@code read}: every GET of the API
 * (data sets, jobs, models, their events and downloads) and the actuator's metrics; {@code write}: every other
 * call of the API (upload, submit, cancel, import, promote, delete); {@code admin}: everything.
 */
public enum ApiScope {
    PREDICT, READ, WRITE, ADMIN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The scope a request needs; null for what is public (the dashboard, API docs, health).
     *
     * @param byModel what a prediction by a model's id needs (attune.predict.by-model-scope): it can load any
     *     model, which a deployment's callers need not do
     */
    static ApiScope required(String method, String path, ApiScope byModel) {
        if (PredictPaths.isModelPredict(path)) {
            return byModel;
        }
        if (PredictPaths.isPredict(path)) {
            return PREDICT;
        }
        if (path.equals("/actuator/health") || path.startsWith("/actuator/health/")) {
            return null;
        }
        if (path.equals("/actuator") || path.startsWith("/actuator/")) {
            return READ;
        }
        if (path.startsWith("/api/")) {
            return "GET".equals(method) || "HEAD".equals(method) ? READ : WRITE;
        }
        return null;
    }
}
