package dev.attune.cluster;

import java.util.List;

import dev.attune.job.Heartbeats;
import dev.attune.system.LocalNode;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** /actuator/health component "cluster": this node's name, roles and workers, and the nodes alive. */
@Component("cluster")
class ClusterHealthIndicator extends AbstractHealthIndicator {

    private final Cluster cluster;
    private final LocalNode node;
    private final Heartbeats heartbeats;

    ClusterHealthIndicator(Cluster cluster, LocalNode node, Heartbeats heartbeats) {
        this.cluster = cluster;
        this.node = node;
        this.heartbeats = heartbeats;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        List<Cluster.NodeResponse> nodes = cluster.nodes();
        builder.up()
                .withDetail("node", node.name())
                .withDetail("roles", node.roles().stream().map(r -> r.name().toLowerCase()).toList())
                .withDetail("workers", heartbeats.localDevices())
                .withDetail("database", node.sharedDatabase() ? "shared (PostgreSQL)" : "embedded (H2)")
                .withDetail("nodesAlive", nodes.stream().filter(Cluster.NodeResponse::alive).map(Cluster.NodeResponse::name)
                        .toList());
    }
}
