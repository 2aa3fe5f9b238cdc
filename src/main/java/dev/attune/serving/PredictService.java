package dev.attune.serving;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.attune.errors.Forbidden;
import dev.attune.explain.Explainer;
import dev.attune.explain.Explanation;
import dev.attune.errors.InvalidInput;
import dev.attune.system.ApiScope;
import dev.attune.system.Callers;
import dev.attune.system.AttuneProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Runs a (validated) predict request on the model its route names ({@link DeploymentRoutes}), and measures
 * it: overall, and per deployment and model (requests, latency, the labels it answered).
 */
@Service
class PredictService {

    private static final Logger log = LoggerFactory.getLogger(PredictService.class);

    /** The deployment tag of requests that named a model, or went to the best model. */
    private static final String NO_DEPLOYMENT = "none";

    private final ServingModels serving;
    private final DeploymentRoutes routes;
    private final MeterRegistry registry;
    private final int maxTexts;
    private final ApiScope byModelScope;
    private final Timer latency;
    private final Counter errors;
    private final List<ServedRequestObserver> observers;
    private final Explainer explainer;

    PredictService(ServingModels serving, DeploymentRoutes routes, AttuneProperties properties, MeterRegistry registry,
            ObjectProvider<ServedRequestObserver> observers, Explainer explainer) {
        this.explainer = explainer;
        this.serving = serving;
        this.observers = observers.orderedStream().toList();
        this.routes = routes;
        this.registry = registry;
        this.maxTexts = properties.predict().maxBatch();
        this.byModelScope = properties.predict().byModelScope();
        this.latency = Timer.builder("attune.predict.latency").description("time to answer a predict request")
                .publishPercentileHistogram().register(registry);
        this.errors = Counter.builder("attune.predict.errors").description("predict requests that failed")
                .register(registry);
    }

    /**
     * @param modelIdFromPath the model a /api/v1/models/{id}/predict names; null on /predict
     * @param requestId the caller's X-Request-Id: the same id always falls on the same side of a canary; null:
     *     the answer gets a new one
     */
    PredictResponse predict(PredictRequest request, String modelIdFromPath, String requestId) {
        long start = System.nanoTime();
        try {
            List<String> texts = request.allTexts();
            List<String> pairs = request.allPairs();
            if (texts.size() > maxTexts) {
                throw new InvalidInput("Invalid predict request", (request.pairs() != null ? "\"pairs\"" : "\"texts\"")
                        + " has " + texts.size() + " entries; at most " + maxTexts + " per request "
                        + "(attune.predict.max-batch). Split the request.");
            }
            if (request.explained()) {
                explainer.check(texts.size(), request.steps());
            }
            if (request.model() != null && !Callers.allows(byModelScope)) {
                throw new Forbidden("Missing scope", "Naming a model (\"model\" in the body) can load any model on "
                        + "this node: it needs the scope '" + byModelScope.id() + "' (attune.predict.by-model-scope), "
                        + "which this key lacks. Call a deployment (\"deployment\": \"<name>\") or name nothing, or "
                        + "use a key with that scope.").with("scope", byModelScope.id());
            }
            DeploymentRoutes.Route route = routes.route(request.deployment(),
                    modelIdFromPath != null ? modelIdFromPath : request.model(), requestId);
            Predictor predictor = serving.acquire(route.modelId());
            TokenCounts tokens = observers.isEmpty() ? null : new TokenCounts(texts.size());
            List<Prediction> predictions;
            String modelId;
            int maxLength;
            try {
                predictions = predictor.predict(texts, pairs, request.longText(), tokens);
                modelId = predictor.modelId();
                maxLength = predictor.maxLength();
            } finally {
                predictor.release(); // before any explanation: a slow one must not keep an evicted model loaded
            }
            long nanos = System.nanoTime() - start; // the prediction's: explanations have their own timer
            if (request.explained()) {
                predictions = explained(modelId, texts, predictions, request);
            }
            record(route, modelId, predictions, nanos);
            String id = requestId == null || requestId.isBlank() ? UUID.randomUUID().toString() : requestId;
            if (tokens != null) {
                observe(new ServedRequest(id, route.deployment(), modelId, Instant.now(), nanos,
                        served(texts, pairs, predictions, tokens), maxLength));
            }
            return new PredictResponse(id, modelId, route.deployment(), maxLength, predictions);
        } catch (RuntimeException e) {
            errors.increment();
            throw e;
        } finally {
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** The predictions with their explanations ({@link Explainer}: the model's libtorch copy, off the batcher). */
    private List<Prediction> explained(String modelId, List<String> texts, List<Prediction> predictions,
            PredictRequest request) {
        List<Explanation> why = explainer.explain(modelId, texts, request.allPairs(),
                predictions.stream().map(Prediction::label).toList(),
                request.explainLabel(), request.longText(), request.steps());
        List<Prediction> explained = new ArrayList<>(predictions.size());
        for (int i = 0; i < predictions.size(); i++) {
            explained.add(predictions.get(i).explained(why.get(i)));
        }
        return explained;
    }

    /** Per deployment and model: requests, their latency, and the labels answered (a canary's drift shows). */
    private void record(DeploymentRoutes.Route route, String modelId, List<Prediction> predictions, long nanos) {
        String deployment = route.deployment() == null ? NO_DEPLOYMENT : route.deployment();
        Timer.builder("attune.predict.deployment.latency").description("predict requests per deployment and model")
                .tag("deployment", deployment).tag("model", modelId).register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
        for (Prediction prediction : predictions) {
            if (prediction.label() != null) {
                Counter.builder("attune.predict.labels").description("labels answered, per deployment and model")
                        .tag("deployment", deployment).tag("model", modelId).tag("label", prediction.label())
                        .register(registry).increment();
            }
        }
    }

    private static List<ServedRequest.ServedText> served(List<String> texts, List<String> pairs,
            List<Prediction> predictions, TokenCounts tokens) {
        List<ServedRequest.ServedText> served = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            served.add(new ServedRequest.ServedText(texts.get(i), pairs == null ? null : pairs.get(i),
                    predictions.get(i), tokens.tokens(i), tokens.unknown(i)));
        }
        return served;
    }

    private void observe(ServedRequest request) {
        for (ServedRequestObserver observer : observers) {
            try {
                observer.served(request);
            } catch (RuntimeException e) {
                log.warn("{} failed on request {}: {}", observer.getClass().getSimpleName(), request.requestId(),
                        e.toString());
            }
        }
    }
}
