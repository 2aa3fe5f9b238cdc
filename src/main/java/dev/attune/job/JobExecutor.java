package dev.attune.job;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.attune.engine.EngineInfo;
import dev.attune.system.AttuneProperties;
import dev.attune.system.DataDiskGuard;
import dev.attune.system.LocalNode;
import dev.attune.system.NodeRole;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This node's workers, one per device ({@link WorkerDevices}), each running one job at a time from the
 * shared queue ({@link JobQueue}), and the lease keeper: every few seconds it renews the leases of the jobs
 * running here (and picks up cancels asked on other nodes), records that this node is alive, and takes back
 * jobs whose worker elsewhere stopped renewing (a dead node): they are re-queued and resume from their last
 * resume point, or fail after three interrupted attempts.
 */
@Component
class JobExecutor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobExecutor.class);
    private static final int MAX_ATTEMPTS = 3;

    private final JobQueue queue;
    private final JobRunner runner;
    private final JobEvents events;
    private final JobLog jobLog;
    private final LocalNode node;
    private final List<WorkerDevices.WorkerDevice> devices;
    private final Duration leaseTime;
    private final Duration pollInterval;
    private final Set<String> cancelRequests = ConcurrentHashMap.newKeySet();
    private final Map<String, JobLease> leases = new ConcurrentHashMap<>();
    private final Object signal = new Object();
    private final List<Thread> workers = new ArrayList<>();
    private final Instant startedAt = Instant.now();
    private ScheduledExecutorService keeper;
    private volatile boolean running;

    private final DataDiskGuard disk;

    JobExecutor(JobQueue queue, JobRunner runner, JobEvents events, JobLog jobLog, LocalNode node,
            AttuneProperties properties, EngineInfo engine, DataDiskGuard disk) {
        this.disk = disk;
        this.queue = queue;
        this.runner = runner;
        this.events = events;
        this.jobLog = jobLog;
        this.node = node;
        // resolving the devices loads the engine: at construction, so a wrong device list stops the start (and the
        // Docker image's class-data-sharing run, which stops after the context is built, unpacks libtorch)
        this.devices = node.has(NodeRole.WORKER) ? WorkerDevices.resolve(properties.jobs().devices(), engine) : List.of();
        this.leaseTime = properties.jobs().leaseTime();
        this.pollInterval = properties.jobs().pollInterval();
    }

    @Override
    public void start() {
        running = true;
        if (!devices.isEmpty()) {
            recoverInterrupted();
        }
        for (WorkerDevices.WorkerDevice device : devices) {
            // the lease owner: node, device and this process's incarnation (a restarted node is a new owner)
            String owner = node.name() + "/" + device.name() + "/" + UUID.randomUUID().toString().substring(0, 8);
            Thread thread = new Thread(() -> work(device, owner), "attune-worker-" + device.name());
            thread.setDaemon(true);
            workers.add(thread);
        }
        keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "attune-lease-keeper");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(100, Math.min(leaseTime.toMillis() / 3, 2000));
        keeper.scheduleWithFixedDelay(this::keep, 0, every, TimeUnit.MILLISECONDS);
        workers.forEach(Thread::start);
        log.info("Node {} ({}): {} worker(s) on {}, lease {}", node.name(), rolesText(), devices.size(),
                devices.stream().map(WorkerDevices.WorkerDevice::name).toList(), leaseTime);
    }

    @Override
    public void stop() {
        running = false;
        wake();
        for (Thread worker : workers) {
            try {
                worker.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (keeper != null) {
            keeper.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** A job was queued on this node: its idle workers look at once (other nodes' within the poll interval). */
    void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Asks a running job to stop: at its next step when it runs here, at its worker's next renewal elsewhere. */
    void requestCancel(String jobId) {
        cancelRequests.add(jobId);
        queue.requestCancel(jobId);
    }

    /** A queued job was cancelled directly: tell its listeners. */
    void cancelled(String jobId) {
        jobLog.append(jobId, "cancelled while queued");
        events.finish(jobId, Map.of("status", JobStatus.CANCELLED));
    }

    /** The devices this node's workers own (empty on a node without the worker role). */
    List<String> deviceNames() {
        return devices.stream().map(WorkerDevices.WorkerDevice::name).toList();
    }

    private void work(WorkerDevices.WorkerDevice device, String owner) {
        int failures = 0; // in a row: the database unreachable, or its disk full
        while (running) {
            try {
                if (disk.full()) { // no database writes while the disk is full (DataDiskGuard says why)
                    sleepQuietly(pollInterval);
                    continue;
                }
                long claimedAt = System.nanoTime();
                Optional<Job> next = queue.claim(owner, node.name(), device.name(), leaseTime);
                if (next.isPresent()) {
                    String id = next.get().id();
                    JobLease lease = new JobLease(id, owner, leaseTime, claimedAt);
                    leases.put(id, lease);
                    try {
                        runner.run(next.get(), lease, device.device(), () -> !running, () -> cancelRequests.contains(id));
                    } finally {
                        leases.remove(id);
                        cancelRequests.remove(id);
                    }
                } else {
                    synchronized (signal) {
                        signal.wait(pollInterval.toMillis());
                    }
                }
                if (failures > 0) {
                    log.info("Worker {} works again after {} failed round(s)", device.name(), failures);
                    failures = 0;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failures++;
                // back off, doubling up to a minute; the full stack once, then one line per round
                Duration pause = backOff(failures);
                if (failures == 1) {
                    log.error("Worker {} error; retrying in {} s", device.name(), pause.toSeconds(), e);
                } else {
                    log.warn("Worker {} failed again ({} in a row: {}); retrying in {} s", device.name(), failures,
                            e.getMessage(), pause.toSeconds());
                }
                sleepQuietly(pause);
            }
        }
    }

    /** The lease keeper's round: renew, pick up cancels, say this node is alive, take back orphaned jobs. */
    private void keep() {
        if (disk.full()) {
            return; // no writes: a running job's lease lapses and it is taken back once space is freed
        }
        try {
            for (JobLease lease : leases.values()) {
                long sentAt = System.nanoTime();
                if (queue.renew(lease.jobId(), lease.owner(), leaseTime)) {
                    lease.renewed(sentAt);
                    if (queue.cancelRequested(lease.jobId())) {
                        lease.requestCancel();
                    }
                } else {
                    lease.lose();
                }
            }
            queue.heartbeat(node.name(), rolesText(), String.join(",", deviceNames()), startedAt);
            if (!devices.isEmpty() && takeBackExpired()) {
                wake();
            }
        } catch (RuntimeException e) {
            log.warn("Lease keeper: {}", e.toString()); // the database may be briefly unreachable; next round retries
        }
    }

    /** Jobs whose worker stopped renewing its lease (its node died or hangs): re-queued, cancelled or failed. */
    private boolean takeBackExpired() {
        boolean any = false;
        for (Job job : queue.expired()) {
            any |= takeBack(job, true, "its node " + job.execution().node() + " stopped renewing its lease");
        }
        return any;
    }

    /** Jobs this node was running when it stopped (kill -9, power loss): its previous process is surely gone. */
    void recoverInterrupted() {
        for (Job job : queue.runningOn(node.name())) {
            takeBack(job, false, "interrupted by a restart of node " + node.name());
        }
    }

    private boolean takeBack(Job job, boolean onlyIfExpired, String why) {
        String id = job.id();
        boolean cancel = queue.cancelRequested(id);
        if (cancel) {
            if (queue.takeBack(id, node.name(), onlyIfExpired, JobStatus.CANCELLED, null, null)) {
                jobLog.append(id, why + " during attempt " + job.attempts() + "; a cancel was asked: cancelled");
                events.finish(id, Map.of("status", JobStatus.CANCELLED));
            }
            return false;
        }
        if (job.attempts() >= MAX_ATTEMPTS) {
            if (queue.takeBack(id, node.name(), onlyIfExpired, JobStatus.FAILED, "interrupted", "The job was interrupted "
                    + job.attempts() + " times (last: " + why + "); it will not be retried. Submit it again to retry.")) {
                jobLog.append(id, why + ": interrupted " + job.attempts() + " times: failed");
                events.finish(id, Map.of("status", JobStatus.FAILED));
            }
            return false;
        }
        if (!queue.takeBack(id, node.name(), onlyIfExpired, JobStatus.QUEUED, null, null)) {
            return false;
        }
        jobLog.append(id, why + " during attempt " + job.attempts() + ": re-queued");
        log.warn("Job {}: {}; re-queued", id, why);
        return true;
    }

    /** The poll interval, doubled per failure in a row, at most a minute. */
    private Duration backOff(int failures) {
        long millis = pollInterval.toMillis() << Math.min(failures, 16);
        return Duration.ofMillis(Math.max(pollInterval.toMillis(), Math.min(millis, 60_000)));
    }

    private String rolesText() {
        return node.roles().stream().map(role -> role.name().toLowerCase()).collect(Collectors.joining(","));
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
