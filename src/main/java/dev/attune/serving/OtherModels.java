package dev.attune.serving;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.attune.errors.Unavailable;
import dev.attune.model.ModelService;
import dev.attune.modeling.ServingPrecision;

/**
 * The models loaded besides the serving one: deployments' models and canaries (pinned) and those asked for by id
 * (kept within a memory budget, {@link KeptPredictors}); each is loaded by the serving loader thread, never on a
 * request thread.
 */
final class OtherModels {

    private final ModelService models;
    private final PredictorFactory predictors;
    private final ExecutorService loader;
    private final Duration firstLoadWait;
    private final KeptPredictors kept;
    private final Map<String, CompletableFuture<Void>> loading = new ConcurrentHashMap<>();

    OtherModels(ModelService models, PredictorFactory predictors, ExecutorService loader, Duration firstLoadWait,
            long budgetBytes) {
        this.kept = new KeptPredictors(budgetBytes);
        this.models = models;
        this.predictors = predictors;
        this.loader = loader;
        this.firstLoadWait = firstLoadWait;
    }

    /**
     * A model asked for by id that is not the serving one: taken from the few kept loaded, else loaded by
     * the loader thread (never on this request thread, never under a lock), waiting a bounded time.
     */
    Predictor acquire(String modelId) {
        Predictor alreadyKept = kept.take(modelId);
        if (alreadyKept != null) {
            return alreadyKept; // no database read for a model kept loaded (a deployment's, a canary)
        }
        models.get(modelId); // 404 for an unknown (or deleted) id
        for (int attempt = 0; attempt < 3; attempt++) {
            Predictor found = kept.take(modelId);
            if (found != null) {
                return found;
            }
            try {
                load(modelId).get(firstLoadWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                throw new Unavailable("Model not loadable", "Model '" + modelId + "' could not be loaded (the server "
                        + "log says why). Retry, or import it again.").retryAfter(30);
            }
        }
        throw new Unavailable("Model loading", "Model '" + modelId + "' is still loading. Retry in a few seconds.")
                .retryAfter(5);
    }

    /** Starts loading a model in the background unless it is kept or loading. */
    void warm(String modelId) {
        Predictor found = kept.take(modelId);
        if (found != null) {
            found.release();
            return;
        }
        load(modelId);
    }

    private CompletableFuture<Void> load(String modelId) {
        return loading.computeIfAbsent(modelId, id -> CompletableFuture
                .runAsync(() -> kept.keep(id, predictors.load(id)), loader)
                .whenComplete((ignored, error) -> loading.remove(id)));
    }

    /** Drops a model that changed; a pinned one (a deployment's, a canary) is loaded again at once. */
    void forget(String modelId) {
        kept.forget(modelId);
        if (kept.isPinned(modelId)) {
            load(modelId);
        }
    }

    /** Pins the models deployments and canaries use (and loads those not loaded yet). */
    void pin(Set<String> modelIds) {
        kept.pin(modelIds);
    }

    /**
     * Drops kept models whose stored serving precision changed or that were deleted (a change made through any node:
     * this runs every refresh-interval), loading the pinned ones again at once.
     *
     * @param stored each registered model's own serving precision now (a value may be null: none)
     */
    void followPrecisions(Map<String, Optional<ServingPrecision>> stored) {
        List<String> dropped = kept.forgetIf(p -> !stored.containsKey(p.modelId())
                || !Objects.equals(stored.get(p.modelId()).orElse(null), p.ownPrecision()));
        dropped.stream().filter(id -> stored.containsKey(id) && kept.isPinned(id)).forEach(this::load);
    }

    KeptPredictors.KeptModels usage() {
        return kept.usage();
    }

    void releaseAll() {
        kept.releaseAll();
    }
}
