package dev.attune.feedback;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.attune.system.AttuneProperties;
import dev.attune.system.DataDiskGuard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Removes logged requests older than attune.feedback.request-log.retention, at start and then every
 * purge-interval. Feedback already given keeps its own copy of what it needs (the answer, the text when logged).
 */
@Component
class RequestLogPurge implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RequestLogPurge.class);

    private final RequestLogRepository repository;
    private final DataDiskGuard disk;
    private final Duration retention;
    private final Duration interval;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "attune-request-log-purge");
        thread.setDaemon(true);
        return thread;
    });

    RequestLogPurge(RequestLogRepository repository, DataDiskGuard disk, AttuneProperties properties) {
        this.repository = repository;
        this.disk = disk;
        this.retention = properties.feedback().requestLog().retention();
        this.interval = properties.feedback().requestLog().purgeInterval();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(this::round, 0, Math.max(interval.toMillis(), 100), TimeUnit.MILLISECONDS);
    }

    private void round() {
        if (disk.full()) {
            return; // no database writes while the disk is full; the next round after it cleared
        }
        try {
            purge(Instant.now().minus(retention));
        } catch (RuntimeException e) {
            log.warn("Request log purge: {}", e.toString()); // the database may be briefly unreachable
        }
    }

    /** Removes the requests served before {@code cutoff}; returns how many texts went. */
    int purge(Instant cutoff) {
        int removed = repository.purgeBefore(cutoff);
        if (removed > 0) {
            log.info("Request log: removed {} text(s) served before {} (retention {})", removed, cutoff, retention);
        }
        return removed;
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
