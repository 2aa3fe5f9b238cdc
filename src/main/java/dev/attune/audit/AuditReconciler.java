package dev.attune.audit;

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
 * Every node, every attune.jobs.sweep-reconcile-interval, moves each running audit on ({@link AuditProgress#advance}):
 * a fold whose end no node reported (its node died between ending it and telling the audit) is noticed here.
 */
@Component
class AuditReconciler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditReconciler.class);

    private final AuditRepository audits;
    private final AuditProgress progress;
    private final DataDiskGuard disk;
    private final Duration interval;
    private ScheduledExecutorService timer;

    AuditReconciler(AuditRepository audits, AuditProgress progress, DataDiskGuard disk, AttuneProperties properties) {
        this.audits = audits;
        this.progress = progress;
        this.disk = disk;
        this.interval = properties.jobs().sweepReconcileInterval();
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "attune-audit-reconciler");
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
            return;
        }
        try {
            for (String id : audits.running()) {
                try {
                    progress.advance(id);
                } catch (RuntimeException e) {
                    log.warn("Audit {}: not reconciled: {}", id, e.toString());
                }
            }
        } catch (RuntimeException e) {
            log.warn("Audit reconciler: {}", e.toString());
        }
    }
}
