package dev.attune.sweep;

import dev.attune.system.AttuneProperties;
import dev.attune.system.DataDiskGuard;
import dev.attune.system.PeriodicTask;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every node, every attune.jobs.sweep-reconcile-interval, moves each running sweep on ({@link SweepTrials#advance}):
 * a trial whose end no node reported (its node died between ending it and telling the sweep, or a trial waited for
 * the queue's room) is noticed here. Advancing is idempotent, so nodes doing it at once change nothing twice. It also
 * makes the deployments of sweeps whose node died between their end and their deployment.
 */
@Component
class SweepReconciler extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(SweepReconciler.class);

    private final SweepRepository sweeps;
    private final SweepTrials trials;
    private final SweepOutcome outcome;
    private final DataDiskGuard disk;

    SweepReconciler(SweepRepository sweeps, SweepTrials trials, SweepOutcome outcome, DataDiskGuard disk,
            AttuneProperties properties) {
        super("attune-sweep-reconciler", properties.jobs().sweepReconcileInterval());
        this.sweeps = sweeps;
        this.trials = trials;
        this.outcome = outcome;
        this.disk = disk;
    }

    @Override
    protected void runOnce() {
        reconcile();
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
