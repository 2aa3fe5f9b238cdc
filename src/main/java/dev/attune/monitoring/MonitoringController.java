package dev.attune.monitoring;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Monitoring", description = "What deployments and models served, against the reference measured at "
        + "training, and its drift (population stability index)")
@RestController
class MonitoringController {

    private static final String WINDOW = "The window, ending now: ISO-8601 (PT1H, PT15M) or 1h, 15m; from a minute to "
            + "attune.monitoring.retention. Default attune.monitoring.window (1 hour).";

    private final MonitoringService monitoring;

    MonitoringController(MonitoringService monitoring) {
        this.monitoring = monitoring;
    }

    @Operation(operationId = "getDeploymentMonitoring", summary = "What a deployment served, and its drift",
            description = "Per model of the deployment (its model, its canary, any that served it earlier in the "
                    + "window): label shares, the top score's histogram, text length in tokens, the share truncated "
                    + "and with unknown tokens, each against the model's reference (its validation rows at training) "
                    + "with the population stability index; latency (no reference); texts per minute. Every node's "
                    + "counts, summed. Status: ok, warn, alert, too_little_traffic, no_reference or no_traffic.")
    @GetMapping("/api/v1/deployments/{name}/monitoring")
    MonitoringResponse deployment(@PathVariable String name,
            @Parameter(description = WINDOW) @RequestParam(required = false) String window) {
        return monitoring.deployment(name, window);
    }

    @Operation(operationId = "getModelMonitoring", summary = "What a model served, and its drift",
            description = "All of the model's traffic (every deployment's, and requests that named it) in the window, "
                    + "against its reference, as a deployment's monitoring shows each model.")
    @GetMapping("/api/v1/models/{id}/monitoring")
    MonitoringResponse model(@PathVariable String id,
            @Parameter(description = WINDOW) @RequestParam(required = false) String window) {
        return monitoring.model(id, window);
    }
}
