package dev.attune.batch;

import java.time.Duration;

import dev.attune.system.AttuneProperties;
import dev.attune.system.DataDiskGuard;
import dev.attune.system.PeriodicTask;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The node's periodic clean-up of batch predictions (attune.predictions.retention, .cleanup-interval): at start
 * and then every interval it removes those that ended longer than the retention ago, and those deleted while
 * running once they ended. Driven by the clock, never by a read.
 */
@Component
class BatchPredictionCleanup extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(BatchPredictionCleanup.class);

    private final BatchPredictions predictions;
    private final DataDiskGuard disk;
    private final Duration retention;

    BatchPredictionCleanup(BatchPredictions predictions, DataDiskGuard disk, AttuneProperties properties) {
        super("attune-prediction-cleanup", atLeast100Millis(properties.predictions().cleanupInterval()), Duration.ZERO);
        this.predictions = predictions;
        this.disk = disk;
        this.retention = properties.predictions().retention();
    }

    /** One clean-up: none while the data disk is full. */
    @Override
    protected void runOnce() {
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
}
