package dev.attune.monitoring;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.attune.monitoring.MonitoringResponse.ModelWindow;
import dev.attune.system.AttuneProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Every attune.monitoring.evaluate-interval, judges every deployment and model that served in the default window
 * (every node's counts): sets the gauges {@code attune_predict_drift_psi{deployment,model,feature}} and
 * {@code attune_predict_drift_status{deployment,model}} (-1 not judged, 0 ok, 1 warn, 2 alert), and, when a status
 * crosses a threshold either way, logs a WARN line and publishes a {@link DriftStatusChanged}. Every node judges
 * the same sums, so every node's gauges agree (take the max over instances in Prometheus).
 */
@Component
class DriftWatch implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DriftWatch.class);
    static final String NONE = "none";

    private final MonitoringService monitoring;
    private final MeterRegistry registry;
    private final ApplicationEventPublisher events;
    private final long intervalMillis;
    private final Map<String, AtomicReference<Double>> psiGauges = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> statusGauges = new ConcurrentHashMap<>();
    /** Each deployment's model's last status, "deployment/model" → status: what the health component shows. */
    private final Map<String, DriftStatus> statuses = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "attune-drift-watch");
        thread.setDaemon(true);
        return thread;
    });

    DriftWatch(MonitoringService monitoring, MeterRegistry registry, ApplicationEventPublisher events,
            AttuneProperties properties) {
        this.monitoring = monitoring;
        this.registry = registry;
        this.events = events;
        this.intervalMillis = Math.max(properties.monitoring().evaluateInterval().toMillis(), 50);
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(this::evaluateQuietly, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    private void evaluateQuietly() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            log.warn("Drift evaluation: {}", e.toString()); // the database may be briefly unreachable
        }
    }

    /** One round: gauges, statuses and their events (tests call it to see them now). */
    synchronized void evaluate() {
        Set<String> seen = new HashSet<>();
        for (Map.Entry<MonitoringRepository.DeploymentModel, ModelWindow> entry : monitoring.everyServed().entrySet()) {
            String deployment = entry.getKey().deployment().isEmpty() ? NONE : entry.getKey().deployment();
            String model = entry.getKey().modelId();
            ModelWindow window = entry.getValue();
            Map<String, Double> psi = ModelWindows.psiOf(window);
            psi.forEach((figure, value) -> psiGauge(deployment, model, figure).set(value));
            DriftStatus status = DriftStatus.valueOf(window.status().toUpperCase());
            statusGauge(deployment, model).set((double) status.gaugeValue());
            String key = deployment + "/" + model;
            seen.add(key);
            DriftStatus before = statuses.put(key, status);
            if (status.gaugeValue() >= 0 && before != status && (before != null && before.gaugeValue() >= 0
                    || status != DriftStatus.OK)) {
                Map.Entry<String, Double> worst = psi.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
                DriftStatusChanged change = new DriftStatusChanged(deployment, model,
                        before == null ? DriftStatus.NO_TRAFFIC : before, status,
                        worst == null ? null : worst.getKey(), worst == null ? 0 : worst.getValue());
                log.warn("Drift: deployment '{}' model {} went from {} to {} ({} PSI {})", deployment, model,
                        change.from().id(), status.id(), change.figure(), "%.3f".formatted(change.psi()));
                events.publishEvent(change);
            }
        }
        statuses.keySet().retainAll(seen); // nothing served in the window any more: no status, gauges not judged
        statusGauges.forEach((key, gauge) -> {
            if (!seen.contains(key)) {
                gauge.set(-1.0);
            }
        });
    }

    /** Each deployment's model's last status, sorted: the health component's details. */
    Map<String, String> statuses() {
        Map<String, String> sorted = new TreeMap<>();
        statuses.forEach((key, status) -> sorted.put(key, status.id()));
        return sorted;
    }

    private AtomicReference<Double> psiGauge(String deployment, String model, String figure) {
        return psiGauges.computeIfAbsent(deployment + "/" + model + "/" + figure, key -> {
            AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
            Gauge.builder("attune.predict.drift.psi", value, AtomicReference::get)
                    .description("population stability index of a figure served over the monitoring window against "
                            + "the model's reference")
                    .tag("deployment", deployment).tag("model", model).tag("feature", figure)
                    .strongReference(true).register(registry);
            return value;
        });
    }

    private AtomicReference<Double> statusGauge(String deployment, String model) {
        return statusGauges.computeIfAbsent(deployment + "/" + model, key -> {
            AtomicReference<Double> value = new AtomicReference<>(-1.0);
            Gauge.builder("attune.predict.drift.status", value, AtomicReference::get)
                    .description("drift status over the monitoring window: -1 not judged, 0 ok, 1 warn, 2 alert")
                    .tag("deployment", deployment).tag("model", model).strongReference(true).register(registry);
            return value;
        });
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
