package dev.attune.serving;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

import dev.attune.deployment.Deployment;
import dev.attune.deployment.DeploymentService;
import dev.attune.deployment.DeploymentsChangedEvent;
import dev.attune.errors.InvalidInput;
import dev.attune.system.AttuneProperties;
import dev.attune.system.LocalNode;
import dev.attune.system.NodeRole;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Which model answers a predict request: the one it names, else its deployment's (the canary for the
 * canary's share of requests), else the "default" deployment's when one exists, else the best model
 * ({@link ServingChoice}). Deployments are read from the database when they change on this node and every
 * refresh-interval (so every serving replica follows a change made through any node), never per request.
 * The canary share is decided per request: by the request id when the caller sends one (X-Request-Id: the
 * same id always goes the same way), else at random.
 */
@Component
class DeploymentRoutes implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DeploymentRoutes.class);

    /**
     * Where a request goes.
     *
     * @param deployment the deployment that answers; null when the request named a model or none exists
     * @param modelId the model; null: the best model
     */
    record Route(String deployment, String modelId) {
    }

    private final DeploymentService deployments;
    private final ServingModels serving;
    private final long refreshMillis;
    private final boolean servingNode;
    private volatile Map<String, Deployment> byName = Map.of();
    /** Tickets of the reads of the deployment table, in the order they started; the newest applied (guarded by this). */
    private final AtomicLong reads = new AtomicLong();
    private long applied;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "attune-deployment-watch");
        thread.setDaemon(true);
        return thread;
    });

    DeploymentRoutes(DeploymentService deployments, ServingModels serving, AttuneProperties properties, LocalNode node) {
        this.deployments = deployments;
        this.serving = serving;
        this.refreshMillis = properties.predict().refreshInterval().toMillis();
        this.servingNode = node.has(NodeRole.SERVING);
    }

    @EventListener(ApplicationReadyEvent.class)
    void started() {
        if (!servingNode) {
            return;
        }
        reload();
        if (refreshMillis > 0) {
            watcher.scheduleWithFixedDelay(this::reload, refreshMillis, refreshMillis, TimeUnit.MILLISECONDS);
        }
    }

    @TransactionalEventListener(value = DeploymentsChangedEvent.class, fallbackExecution = true)
    void changed() {
        if (servingNode) {
            reload(); // here, so that the node that took the change routes by it from its answer on
        }
    }

    /**
     * Reads every deployment and warms the models they use (loaded in the background, not on a request). The read
     * runs outside any lock: a request that changed a deployment calls this while it still holds its database
     * connection, and waiting there for a watcher that waits for a free connection was a deadlock (20 concurrent
     * PUTs, a pool of 10). A read that started before another never overwrites what the later one found.
     */
    void reload() {
        long ticket = reads.incrementAndGet();
        try {
            Map<String, Deployment> now = deployments.list().stream()
                    .collect(Collectors.toUnmodifiableMap(Deployment::name, Function.identity()));
            synchronized (this) {
                if (ticket < applied || now.equals(byName)) {
                    return;
                }
                applied = ticket;
                byName = now;
                // the default deployment's own model is the serving model (ServingModels loads it): no second copy
                String served = now.containsKey(Deployment.DEFAULT) ? now.get(Deployment.DEFAULT).modelId() : null;
                Set<String> used = new HashSet<>();
                now.values().forEach(d -> {
                    used.add(d.modelId());
                    if (d.canary() != null) {
                        used.add(d.canary().modelId());
                    }
                });
                used.remove(served);
                serving.pin(used);
                used.forEach(serving::warm);
            }
        } catch (RuntimeException e) {
            log.debug("Deployments check: {}", e.toString());
        }
    }

    Route route(String deploymentName, String modelId, String requestId) {
        if (modelId != null) {
            if (deploymentName != null) {
                throw new InvalidInput("Model and deployment", "Name either a model or a deployment, not both.");
            }
            return new Route(null, modelId);
        }
        String name = deploymentName != null ? deploymentName : byName.containsKey(Deployment.DEFAULT) ? Deployment.DEFAULT
                : null;
        if (name == null) {
            return new Route(null, null);
        }
        Deployment deployment = byName.get(name);
        if (deployment == null) {
            deployment = deployments.get(name); // created on another node since the last refresh; 404 when none
        }
        Deployment.Canary canary = deployment.canary();
        boolean toCanary = canary != null && bucket(requestId) < canary.percent();
        return new Route(name, toCanary ? canary.modelId() : deployment.modelId());
    }

    /** 0 to 99: the request id's fixed bucket, or a random one. */
    private static int bucket(String requestId) {
        if (requestId == null || requestId.isBlank()) {
            return ThreadLocalRandom.current().nextInt(100);
        }
        CRC32 crc = new CRC32();
        crc.update(requestId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % 100);
    }

    @Override
    public void destroy() {
        watcher.shutdownNow();
    }
}
