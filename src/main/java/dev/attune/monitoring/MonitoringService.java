package dev.attune.monitoring;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.attune.deployment.Deployment;
import dev.attune.deployment.DeploymentService;
import dev.attune.errors.InvalidInput;
import dev.attune.model.ModelService;
import dev.attune.monitoring.MonitoringResponse.ModelWindow;
import dev.attune.system.AttuneProperties;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.stereotype.Service;

/**
 * Answers what a deployment or a model served in a window, summed over every node's counts, each model against
 * its own reference. Reads only: the statuses' events and gauges are the {@link DriftWatch}'s.
 */
@Service
public class MonitoringService {

    private final MonitoringRepository repository;
    private final References references;
    private final DeploymentService deployments;
    private final ModelService models;
    private final AttuneProperties.Monitoring settings;
    private final ModelWindows judge;
    private final Clock clock = Clock.systemUTC();

    MonitoringService(MonitoringRepository repository, References references, DeploymentService deployments,
            ModelService models, AttuneProperties properties) {
        this.repository = repository;
        this.references = references;
        this.deployments = deployments;
        this.models = models;
        this.settings = properties.monitoring();
        this.judge = new ModelWindows(settings.warnPsi(), settings.alertPsi(), settings.minTexts());
    }

    /** A deployment's models (its model, its canary, any that served it earlier in the window); 404 if unknown. */
    public MonitoringResponse deployment(String name, String window) {
        Deployment deployment = deployments.get(name);
        Duration length = window(window);
        Instant to = clock.instant();
        Instant from = startOf(to, length);
        Map<String, Counts> sums = repository.sums(name, null, from);
        Map<String, Map<Instant, Long>> minutes = repository.textsPerMinute(name, null, from);
        Map<String, String> roles = new LinkedHashMap<>();
        roles.put(deployment.modelId(), "model");
        if (deployment.canary() != null) {
            roles.put(deployment.canary().modelId(), "canary");
        }
        sums.keySet().forEach(id -> roles.putIfAbsent(id, "earlier"));
        List<ModelWindow> windows = new ArrayList<>();
        roles.forEach((id, role) -> windows.add(judge.judge(id, role, sums.getOrDefault(id, new Counts()),
                references.of(id).orElse(null), minutes.getOrDefault(id, Map.of()))));
        return response(name, null, length, from, to, windows);
    }

    /** All of a model's traffic (every deployment's, and requests that named it); 404 if unknown. */
    public MonitoringResponse model(String modelId, String window) {
        models.get(modelId);
        Duration length = window(window);
        Instant to = clock.instant();
        Instant from = startOf(to, length);
        Counts counts = repository.sums(null, modelId, from).getOrDefault(modelId, new Counts());
        ModelWindow judged = judge.judge(modelId, "all", counts, references.of(modelId).orElse(null),
                repository.textsPerMinute(null, modelId, from).getOrDefault(modelId, Map.of()));
        return response(null, modelId, length, from, to, List.of(judged));
    }

    /**
     * Every deployment (and model) that served in the default window, judged: what the {@link DriftWatch} watches.
     * Requests that named a model are under the deployment "" here.
     */
    Map<MonitoringRepository.DeploymentModel, ModelWindow> everyServed() {
        Instant to = clock.instant();
        Instant from = startOf(to, settings.window());
        Map<MonitoringRepository.DeploymentModel, ModelWindow> judged = new LinkedHashMap<>();
        for (MonitoringRepository.DeploymentModel served : repository.served(from)) {
            Counts counts = repository.sums(served.deployment(), served.modelId(), from)
                    .getOrDefault(served.modelId(), new Counts());
            judged.put(served, judge.judge(served.modelId(), null, counts, references.of(served.modelId()).orElse(null), Map.of()));
        }
        return judged;
    }

    private MonitoringResponse response(String deployment, String modelId, Duration length, Instant from, Instant to,
            List<ModelWindow> windows) {
        DriftStatus status = DriftStatus.worst(windows.stream().map(w -> DriftStatus.valueOf(w.status().toUpperCase()))
                .toList());
        return new MonitoringResponse(deployment, modelId, length.toString(), from, to, status.id(),
                detail(status, deployment != null ? "deployment '" + deployment + "'" : "model " + modelId, length),
                settings.warnPsi(), settings.alertPsi(), windows);
    }

    private String detail(DriftStatus status, String what, Duration length) {
        return switch (status) {
            case NO_TRAFFIC -> "Nothing was served through " + what + " in the last " + length + (settings.enabled()
                    ? ". Send /predict requests" + (what.startsWith("deployment") ? " with \"deployment\"" : "")
                    + " or ask for a longer ?window= (at most attune.monitoring.retention, " + settings.retention()
                    + "); counts reach the database within attune.monitoring.flush-interval ("
                    + settings.flushInterval() + ")."
                    : ": monitoring is off on this node (attune.monitoring.enabled=false), so nothing is counted.");
            case NO_REFERENCE -> "Traffic is shown, but no model of " + what + " has a reference to compare it "
                    + "with: a reference is measured on the validation rows when a fine-tuning job registers a model; "
                    + "imported models and models trained before monitoring have none.";
            case TOO_LITTLE_TRAFFIC -> "Fewer than " + settings.minTexts() + " texts (attune.monitoring.min-texts) in "
                    + "the last " + length + ": the population stability index is shown but not judged yet.";
            case OK -> "Every figure's population stability index is below " + settings.warnPsi() + ".";
            case WARN -> "Some figure's population stability index is at least " + settings.warnPsi() + " (warn): "
                    + "what is served has moved from the validation rows; see figures[].psi.";
            case ALERT -> "Some figure's population stability index is at least " + settings.alertPsi() + " (alert): "
                    + "what is served differs from the validation rows; see figures[].psi, and consider retraining "
                    + "on recent traffic.";
        };
    }

    /** The window asked for: ISO-8601 (PT1H) or 1h, 30m; a positive length within the retention. */
    private Duration window(String window) {
        if (window == null || window.isBlank()) {
            return settings.window();
        }
        Duration length;
        try {
            length = DurationStyle.detectAndParse(window.trim());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new InvalidInput("Invalid window", "window '" + quote(window) + "' is not a duration: send "
                    + "ISO-8601 (PT1H, PT15M) or a number with a unit (1h, 15m).");
        }
        if (length.isNegative() || length.compareTo(Duration.ofMinutes(1)) < 0 || length.compareTo(settings.retention()) > 0) {
            throw new InvalidInput("Invalid window", "window " + length + " is outside PT1M.." + settings.retention()
                    + ": counts are kept per minute for attune.monitoring.retention. Ask for a window in that range.");
        }
        return length;
    }

    private static String quote(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "…" : text;
    }

    /** The window's first minute: whole minutes, so that a window of a minute holds this minute's counts. */
    private static Instant startOf(Instant to, Duration length) {
        long first = to.minus(length).getEpochSecond() / 60 + 1;
        return Instant.ofEpochSecond(Math.min(first, to.getEpochSecond() / 60) * 60);
    }
}
