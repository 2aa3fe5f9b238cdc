package dev.attune.feedback;

import java.time.Duration;
import java.time.Instant;

import dev.attune.system.AttuneProperties;
import dev.attune.system.DataDiskGuard;
import dev.attune.system.PeriodicTask;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Removes logged requests older than attune.feedback.request-log.retention, at start and then every
 * purge-interval. Feedback already given keeps its own copy of what it needs (the answer, the text when logged).
 */
@Component
class RequestLogPurge extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(RequestLogPurge.class);

    private final RequestLogRepository repository;
    private final DataDiskGuard disk;
    private final Duration retention;

    RequestLogPurge(RequestLogRepository repository, DataDiskGuard disk, AttuneProperties properties) {
        super("attune-request-log-purge", atLeast100Millis(properties.feedback().requestLog().purgeInterval()),
                Duration.ZERO);
        this.repository = repository;
        this.disk = disk;
        this.retention = properties.feedback().requestLog().retention();
    }

    /** One clean-up: none while the data disk is full. */
    @Override
    protected void runOnce() {
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
}
