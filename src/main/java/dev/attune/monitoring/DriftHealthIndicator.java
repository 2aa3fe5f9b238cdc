package dev.attune.monitoring;

import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * /actuator/health component "drift": always UP (drift must not take a node out of a load balancer), with each
 * deployment's model's status in the details and the worst one.
 */
@Component("drift")
class DriftHealthIndicator extends AbstractHealthIndicator {

    private final DriftWatch watch;

    DriftHealthIndicator(DriftWatch watch) {
        this.watch = watch;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Map<String, String> statuses = watch.statuses();
        String worst = DriftStatus.worst(statuses.values().stream().map(s -> DriftStatus.valueOf(s.toUpperCase()))
                .toList()).id();
        builder.up().withDetail("status", worst).withDetail("deployments", statuses);
    }
}
