package dev.attune.job;

import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Component;

/**
 * What the queue's nodes tell of themselves: each node's workers send a heartbeat every 2 s or so (with its roles,
 * devices and running jobs), which the cluster package reads to say which nodes are alive.
 */
@Component
public class Heartbeats {

    private final JobQueue queue;
    private final JobExecutor executor;

    Heartbeats(JobQueue queue, JobExecutor executor) {
        this.queue = queue;
        this.executor = executor;
    }

    /** Every node's last heartbeat. */
    public List<Node> nodes() {
        return queue.nodes();
    }

    /** The database's clock, which heartbeats are stamped with. */
    public Instant databaseNow() {
        return queue.databaseNow();
    }

    /** This node's workers' devices (cpu, gpu0...); empty without the worker role. */
    public List<String> localDevices() {
        return executor.deviceNames();
    }

    /**
     * A node as last heard from.
     *
     * @param running how many jobs it runs now
     */
    public record Node(String name, String roles, String devices, Instant startedAt, Instant seenAt, int running) {
    }
}
