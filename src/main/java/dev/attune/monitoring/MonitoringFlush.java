package dev.attune.monitoring;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.attune.system.AttuneProperties;
import dev.attune.system.DataDiskGuard;
import dev.attune.system.LocalNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Every attune.monitoring.flush-interval, off the request threads, adds what this node counted to the database
 * (its own rows, under its node name), and every so often deletes the minutes past the retention. Rows a failed
 * write could not add are kept and added with the next flush: none is lost to a database that was briefly away.
 */
@Component
class MonitoringFlush implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(MonitoringFlush.class);
    /** Rows kept for the next flush while the database is away, at most: beyond it the oldest counts are dropped. */
    private static final int MAX_PENDING = 100_000;

    private final TrafficCounters counters;
    private final MonitoringRepository repository;
    private final DataDiskGuard disk;
    private final String node;
    private final Duration retention;
    private final Duration interval;
    private final Clock clock;
    private final List<TrafficCounters.CountRow> pending = new ArrayList<>();
    private Instant lastCleanup = Instant.EPOCH;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "attune-monitoring-flush");
        thread.setDaemon(true);
        return thread;
    });

    MonitoringFlush(ObjectProvider<TrafficCounters> counters, MonitoringRepository repository, DataDiskGuard disk,
            LocalNode node, AttuneProperties properties) {
        this.counters = counters.getIfAvailable();
        this.repository = repository;
        this.disk = disk;
        this.node = node.name();
        this.retention = properties.monitoring().retention();
        this.interval = properties.monitoring().flushInterval();
        this.clock = Clock.systemUTC();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        // at most every 30 s: a model keeps two minutes' counters, so a flush must come within the next minute
        long millis = Math.min(Math.max(interval.toMillis(), 50), 30_000);
        scheduler.scheduleWithFixedDelay(this::flush, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Adds what was counted since the last flush (and what a failed one kept); tests call it to see counts now. */
    synchronized void flush() {
        Instant now = clock.instant();
        try {
            if (counters != null) {
                pending.addAll(counters.drain(now));
            }
            if (pending.size() > MAX_PENDING) {
                log.warn("Monitoring: {} count rows wait for the database; the oldest {} are dropped",
                        pending.size(), pending.size() - MAX_PENDING);
                pending.subList(0, pending.size() - MAX_PENDING).clear();
            }
            if (!pending.isEmpty() && !disk.full()) {
                repository.add(node, pending);
                pending.clear();
            }
            if (Duration.between(lastCleanup, now).compareTo(Duration.ofMinutes(1)) >= 0 && !disk.full()) {
                repository.deleteBefore(now.minus(retention));
                lastCleanup = now;
            }
        } catch (RuntimeException e) {
            log.warn("Monitoring flush: {} ({} rows kept for the next one)", e.toString(), pending.size());
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
            flush(); // the last seconds' counts, before the database closes
        } catch (InterruptedException | RuntimeException e) {
            Thread.currentThread().interrupt();
        }
    }
}
