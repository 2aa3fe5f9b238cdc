package dev.attune.batch;

import java.time.Duration;
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
 * The node's periodic clean-up of batch predictions (attune.predictions.retention, .cleanup-interval): at start
 * and then every interval it removes those that ended longer than the retention ago, and those deleted while
 * running once they ended. Driven by the clock, never by a read.
 */
@Component
class BatchPredictionCleanup implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(BatchPredictionCleanup.class);

    private final BatchPredictions predictions;
    private final DataDiskGuard disk;
    private final Duration retention;
    private final Duration interval;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "attune-prediction-cleanup");
        thread.setDaemon(true);
        return thread;
    });

    BatchPredictionCleanup(BatchPredictions predictions, DataDiskGuard disk, AttuneProperties properties) {
        this.predictions = predictions;
        this.disk = disk;
        this.retention = properties.predictions().retention();
        this.interval = properties.predictions().cleanupInterval();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        scheduler.scheduleWithFixedDelay(this::round, 0, Math.max(interval.toMillis(), 100), TimeUnit.MILLISECONDS);
    }

    private void round() {
        if (disk.full()) {
            return; // no database writes while the disk is full (DataDiskGuard); the next round after it cleared
        }
        try {
            int removed = predictions.removeExpired(retention);
            if (removed > 0) {
                log.info("Removed {} batch prediction(s): deleted while running, or ended over {} ago", removed,
                        retention);
            }
        } catch (RuntimeException e) {
            log.warn("Batch prediction clean-up: {}", e.toString()); // the database may be briefly unreachable
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
