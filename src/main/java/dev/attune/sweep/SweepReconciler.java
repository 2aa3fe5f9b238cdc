package dev.attune.sweep;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.attune.system.AttuneProperties;
import dev.attune.system.DataDiskGuard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Every node, every attune.jobs.sweep-reconcile-interval, moves each running sweep on ({@link SweepTrials#advance}):
 * a trial whose end no node reported (its node died between ending it and telling the sweep, or a trial waited for
 * the queue's room) is noticed here. Advancing is idempotent, so nodes doing it at once change nothing twice. It also
 * makes the deployments of sweeps whose node died between their end and their deployment.
 */
@Component
class SweepReconciler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SweepReconciler.class);

    private final SweepRepository sweeps;
    private final SweepTrials trials;
    private final SweepOutcome outcome;
    private final DataDiskGuard disk;
    private final Duration interval;
    private ScheduledExecutorService timer;

    SweepReconciler(SweepRepository sweeps, SweepTrials trials, SweepOutcome outcome, DataDiskGuard disk,
            AttuneProperties properties) {
        this.sweeps = sweeps;
        this.trials = trials;
        this.outcome = outcome;
        this.disk = disk;
        this.interval = properties.jobs().sweepReconcileInterval();
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "attune-sweep-reconciler");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::reconcile, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }

    void reconcile() {
        if (disk.full()) {
            return; // no writes while the disk is full
        }
        try {
            for (String id : sweeps.running()) {
                try {
                    trials.advance(id);
                } catch (RuntimeException e) {
                    log.warn("Sweep {}: not reconciled: {}", id, e.toString());
                }
            }
            outcome.deployPending();
        } catch (RuntimeException e) {
            log.warn("Sweep reconciler: {}", e.toString()); // the database may be briefly unreachable
        }
    }
}
