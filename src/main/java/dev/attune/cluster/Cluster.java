package dev.attune.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.attune.job.Heartbeats;
import dev.attune.system.AttuneProperties;
import dev.attune.system.LocalNode;

import org.springframework.stereotype.Component;

/** The nodes sharing this database, as their heartbeats tell: which are alive, what they run. */
@Component("clusterNodes")
class Cluster {

    private final Heartbeats heartbeats;
    private final LocalNode node;
    private final Duration silenceAllowed;

    Cluster(Heartbeats heartbeats, LocalNode node, AttuneProperties properties) {
        this.heartbeats = heartbeats;
        this.node = node;
        // heartbeats come at most every 2 s; a node silent for a lease time has lost its jobs too
        this.silenceAllowed = properties.jobs().leaseTime().compareTo(Duration.ofSeconds(10)) > 0
                ? properties.jobs().leaseTime() : Duration.ofSeconds(10);
    }

    List<NodeResponse> nodes() {
        Instant now = heartbeats.databaseNow();
        return heartbeats.nodes().stream().map(n -> new NodeResponse(n.name(), List.of(n.roles().split(",")),
                n.devices().isEmpty() ? List.of() : List.of(n.devices().split(",")), n.startedAt(), n.seenAt(),
                n.seenAt().plus(silenceAllowed).isAfter(now), n.running(), n.name().equals(node.name()))).toList();
    }

    /**
     * A node of the cluster.
     *
     * @param name its name (attune.node.name; default host name and port)
     * @param roles what it does: api, worker, serving
     * @param devices its workers' devices (cpu, gpu0...); empty without the worker role
     * @param startedAt when its process started
     * @param seenAt its last heartbeat (every 2 s or so while it runs)
     * @param alive heard from within the lease time (at least 10 s)
     * @param runningJobs how many jobs its workers run now
     * @param self whether this is the node that answered
     */
    record NodeResponse(String name, List<String> roles, List<String> devices, Instant startedAt, Instant seenAt,
            boolean alive, int runningJobs, boolean self) {
    }
}
