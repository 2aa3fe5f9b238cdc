package dev.attune.serving;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.attune.deployment.Deployment;
import dev.attune.deployment.DeploymentService;
import dev.attune.deployment.DeploymentsChangedEvent;
import dev.attune.model.ModelService;
import dev.attune.model.ModelsChangedEvent;
import dev.attune.model.RegisteredModel;
import dev.attune.modeling.ServingPrecision;
import dev.attune.system.AttuneProperties;
import dev.attune.system.LocalNode;
import dev.attune.system.NodeRole;
import dev.attune.errors.Unavailable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The loaded models. The serving model is chosen by {@link ServingChoice}; when the choice changes
 * (a promotion, a finished job, a deletion) the new model is loaded in the background and swapped in
 * atomically, and the old one is closed once its in-flight requests finish. Deployments' models and those asked
 * for by id are kept by {@link OtherModels}.
 */
@Component
public class ServingModels implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ServingModels.class);
    private static final Duration FIRST_LOAD_WAIT = Duration.ofSeconds(20);

    private final ModelService models;
    private final DeploymentService deployments;
    private final PredictorFactory predictors;
    private final AttuneProperties.Predict settings;
    private final AtomicReference<Predictor> current = new AtomicReference<>();
    private volatile ServingChoice choice;
    private final AtomicInteger pendingRefreshes = new AtomicInteger();
    private volatile CompletableFuture<Void> latestRefresh;
    private final OtherModels others;
    private final ExecutorService loader = Executors.newSingleThreadExecutor(daemon("attune-model-loader"));
    private final boolean serving;

    ServingModels(ModelService models, DeploymentService deployments, PredictorFactory predictors,
            AttuneProperties properties, LocalNode node) {
        this.serving = node.has(NodeRole.SERVING);
        this.deployments = deployments;
        this.models = models;
        this.predictors = predictors;
        this.settings = properties.predict();
        this.others = new OtherModels(models, predictors, loader, FIRST_LOAD_WAIT,
                settings.keptModelsMemory().toBytes());
    }

    @EventListener(ApplicationReadyEvent.class)
    void started() {
        if (serving) { // a node without the serving role loads no model
            modelsChanged();
        }
    }

    /** Whether this node serves /predict (and so loads models). */
    boolean servingNode() {
        return serving;
    }

    /**
     * Whether the serving model differs from {@code next} as the database has it now: another choice, or the same
     * model with another own serving precision ({@link ServingFollower}).
     */
    boolean differsFrom(Optional<ServingChoice> next, List<RegisteredModel> all) {
        String chosen = next.map(ServingChoice::modelId).orElse(null);
        Predictor loaded = current.get();
        ServingPrecision stored = all.stream().filter(m -> m.id().equals(chosen)).findFirst()
                .map(RegisteredModel::servingPrecision).orElse(null);
        return !Objects.equals(next.orElse(null), choice)
                || (loaded != null && loaded.modelId().equals(chosen) && !Objects.equals(loaded.ownPrecision(), stored));
    }

    /** Drops kept models whose stored serving precision changed or that are gone ({@link OtherModels}). */
    void followPrecisions(List<RegisteredModel> all) {
        Map<String, Optional<ServingPrecision>> precisions = new HashMap<>();
        all.forEach(m -> precisions.put(m.id(), Optional.ofNullable(m.servingPrecision())));
        others.followPrecisions(precisions);
    }

    // a model or a deployment changed (after its transaction committed): the default deployment may answer otherwise
    @TransactionalEventListener(classes = {ModelsChangedEvent.class, DeploymentsChangedEvent.class},
            fallbackExecution = true)
    void modelsChanged() {
        if (!serving) {
            return;
        }
        pendingRefreshes.incrementAndGet(); // from now until the refresh ends, /api/v1/serving says "switching"
        latestRefresh = CompletableFuture.runAsync(() -> {
            try {
                refresh();
            } finally {
                pendingRefreshes.decrementAndGet();
            }
        }, loader);
    }

    /** A model asked for by id and kept loaded is dropped when it changes (a new serving precision, a deletion). */
    @TransactionalEventListener(value = ModelsChangedEvent.class, fallbackExecution = true)
    void forgetKept(ModelsChangedEvent event) {
        if (event.modelId() != null) {
            others.forget(event.modelId());
        }
    }

    /** What serves /predict now and why (null when there is no model). */
    public ServingChoice choice() {
        return choice;
    }

    /** True while a change of models (an import, a promotion, a deletion) is being applied. */
    public boolean switching() {
        return pendingRefreshes.get() > 0;
    }

    /** Loads and swaps in the chosen model if it changed. */
    synchronized void refresh() {
        try {
            Optional<ServingChoice> next = target(models.list());
            Predictor serving = current.get();
            if (next.isEmpty()) {
                choice = null;
                swap(null);
                return;
            }
            if (serving == null || !serving.modelId().equals(next.get().modelId())
                    || !Objects.equals(serving.ownPrecision(), ownPrecision(next.get().modelId()))) {
                long start = System.nanoTime();
                Predictor loaded = predictors.load(next.get().modelId());
                swap(loaded);
                log.info("Serving model {} ({}), loaded in {} ms", next.get().modelId(), next.get().reason(),
                        (System.nanoTime() - start) / 1_000_000);
            }
            choice = next.get();
        } catch (RuntimeException e) {
            log.error("Could not load the serving model", e);
        }
    }

    /** What answers a /predict that names nothing, as the database says now (one rule for every node). */
    Optional<ServingChoice> target(List<RegisteredModel> all) {
        return ServingChoice.choose(all, models.promotedId(), deployments.find(Deployment.DEFAULT));
    }

    /** The model's own serving precision as stored now (null: none, or no such model). */
    private ServingPrecision ownPrecision(String modelId) {
        return models.find(modelId).map(RegisteredModel::servingPrecision).orElse(null);
    }

    /** A reference to the serving model (or the model with this id); the caller must release it. */
    Predictor acquire(String modelId) {
        if (modelId != null) {
            return acquireById(modelId);
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            Predictor serving = current.get();
            if (serving == null) {
                serving = awaitLoad();
            }
            if (serving.tryAcquire()) {
                return serving;
            }
            Thread.onSpinWait(); // it closed between the read and the acquire: a swap put its successor in place
        }
        throw new Unavailable("Switching models", "The serving model is being "
                + "replaced right now. Retry in a moment.").retryAfter(1);
    }

    /**
     * Nothing loaded yet (the first request after start or after an import): waits, for a bounded time,
     * for the background loader instead of loading on this request thread.
     */
    private Predictor awaitLoad() {
        CompletableFuture<Void> load = latestRefresh;
        if (load == null) { // a request before the start-up refresh was even submitted
            modelsChanged();
            load = latestRefresh;
        }
        // otherwise every change of models already queued its refresh: wait for the latest, start none here
        // (a request flood while no model exists must not become a flood of refreshes)
        try {
            load.get(FIRST_LOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new Unavailable("Model loading", "The serving model is still "
                    + "loading. Retry in a few seconds.").retryAfter(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("Model loading", "Interrupted while waiting "
                    + "for the serving model. Retry.").retryAfter(1);
        } catch (ExecutionException e) {
            // refresh logs its own failures; the checks below answer the client
        }
        Predictor serving = current.get();
        if (serving == null) {
            throw new Unavailable("No model to serve",
                    "No classifier is registered yet (or the chosen one failed to load: see the server log). Import a "
                            + "fine-tuned one (POST /api/v1/models/import) or fine-tune one (POST /api/v1/jobs), then "
                            + "retry.").retryAfter(30);
        }
        return serving;
    }

    private Predictor acquireById(String modelId) {
        Predictor serving = current.get();
        if (serving != null && serving.modelId().equals(modelId) && serving.tryAcquire()) {
            return serving; // hot path: no lock, no database
        }
        CompletableFuture<Void> switchUnderWay = latestRefresh;
        if (switching() && switchUnderWay != null) { // it may be loading this very model (a promotion): no copy
            try {
                switchUnderWay.get(FIRST_LOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // loaded as any other model below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            serving = current.get();
            if (serving != null && serving.modelId().equals(modelId) && serving.tryAcquire()) {
                return serving;
            }
        }
        return others.acquire(modelId);
    }

    /** The models deployments and canaries use: kept loaded whatever else is asked for. */
    void pin(Set<String> modelIds) {
        others.pin(modelIds);
    }

    /** The models kept loaded besides the serving one, and the memory budget of those not pinned. */
    KeptPredictors.KeptModels kept() {
        return others.usage();
    }

    /** Starts loading a model in the background unless it is loaded or loading (a deployment's, a canary). */
    void warm(String modelId) {
        Predictor serving = current.get();
        if (serving == null || !serving.modelId().equals(modelId)) {
            others.warm(modelId);
        }
    }

    /** The engine serving the chosen model and why, or null while none is loaded. */
    String[] servingEngine() {
        Predictor serving = current.get();
        return serving == null ? null : new String[] {serving.engine(), serving.engineReason()};
    }

    private void swap(Predictor next) {
        Predictor previous = current.getAndSet(next);
        if (previous != null) {
            previous.release(); // closes once in-flight requests have released it too
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Closes what serves, then waits for a load in flight: a process exiting under ONNX Runtime's could crash. */
    @Override
    public void destroy() throws InterruptedException {
        synchronized (this) {
            loader.shutdownNow();
            swap(null);
            others.releaseAll();
        }
        loader.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    }
}
