package dev.attune.audit;

import dev.attune.system.AttuneProperties;
import dev.attune.system.DataDiskGuard;
import dev.attune.system.PeriodicTask;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every node, every attune.jobs.sweep-reconcile-interval, moves each running audit on ({@link AuditProgress#advance}):
 * a fold whose end no node reported (its node died between ending it and telling the audit) is noticed here.
 */
@Component
class AuditReconciler extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(AuditReconciler.class);

    private final AuditRepository audits;
    private final AuditProgress progress;
    private final DataDiskGuard disk;

    AuditReconciler(AuditRepository audits, AuditProgress progress, DataDiskGuard disk, AttuneProperties properties) {
        super("attune-audit-reconciler", properties.jobs().sweepReconcileInterval());
        this.audits = audits;
        this.progress = progress;
        this.disk = disk;
    }

    @Override
    protected void runOnce() {
        reconcile();
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
