package dev.attune.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.attune.dataset.DatasetRow;
import dev.attune.dataset.DatasetService;
import dev.attune.errors.NotFound;
import dev.attune.job.JobEnded;
import dev.attune.job.JobStatus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Moves audits on as their fold jobs end ({@link JobEnded}, on this component's own thread, and the
 * {@link AuditReconciler} for ends no node reported); reading an audit never does. Once every fold succeeded, the
 * out-of-fold probabilities go through confident learning and the audit ends SUCCEEDED with its suspects; a fold that
 * failed (or was cancelled on its own) ends the audit FAILED (CANCELLED) and cancels the folds still running, since
 * the audit can no longer be complete. The end is recorded once, however many nodes try.
 */
@Component
class AuditProgress implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(AuditProgress.class);

    private final AuditRepository audits;
    private final AuditService service;
    private final DatasetService datasets;
    private final ExecutorService mover = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "attune-audits");
        thread.setDaemon(true);
        return thread;
    });

    AuditProgress(AuditRepository audits, AuditService service, DatasetService datasets) {
        this.audits = audits;
        this.service = service;
        this.datasets = datasets;
    }

    @EventListener
    void jobEnded(JobEnded ended) {
        mover.execute(() -> {
            try {
                audits.auditOfJob(ended.jobId()).ifPresent(this::advance);
            } catch (RuntimeException e) {
                log.warn("Job {} ended ({}) but its audit did not move on: {}; the reconciler tries again",
                        ended.jobId(), ended.status(), e.toString());
            }
        });
    }

    @Override
    public void destroy() {
        mover.shutdownNow();
    }

    /** Ends the audit if its folds allow; safe to call any time, from any node. */
    void advance(String auditId) {
        AuditRepository.AuditRow audit = audits.find(auditId).orElse(null);
        if (audit == null || audit.status() != AuditStatus.RUNNING) {
            return;
        }
        List<AuditRepository.FoldRow> folds = audits.folds(auditId);
        for (AuditRepository.FoldRow fold : folds) {
            if (fold.status() == null || fold.status() == JobStatus.FAILED) {
                end(audit, AuditStatus.FAILED, "fold " + (fold.fold() + 1) + " (job " + fold.jobId() + ") "
                        + (fold.status() == null ? "was deleted" : "failed: " + fold.error()));
                return;
            }
            if (fold.status() == JobStatus.CANCELLED || fold.status() == JobStatus.STOPPED) {
                end(audit, AuditStatus.CANCELLED, "fold " + (fold.fold() + 1) + " (job " + fold.jobId()
                        + ") was cancelled");
                return;
            }
        }
        if (!folds.isEmpty() && folds.stream().allMatch(f -> f.status() == JobStatus.SUCCEEDED)) {
            complete(audit);
        }
    }

    private void end(AuditRepository.AuditRow audit, AuditStatus status, String why) {
        if (audits.finish(audit.id(), status, null, why, List.of())) {
            log.info("Audit {} {}: {}", audit.id(), status, why);
        }
        service.cancelFolds(audit.id());
    }

    /** Confident learning over every row's out-of-fold probabilities; the suspects stored with the end. */
    private void complete(AuditRepository.AuditRow audit) {
        List<DatasetRow> rows;
        try {
            rows = datasets.allRows(audit.datasetId());
        } catch (NotFound e) {
            end(audit, AuditStatus.FAILED, "its data set was deleted");
            return;
        }
        AuditRows read = AuditRows.of(rows);
        Map<Long, double[]> predictions = audits.predictions(audit.id());
        double[][] probs = new double[rows.size()][];
        int missing = 0;
        for (int i = 0; i < rows.size(); i++) {
            probs[i] = predictions.get(rows.get(i).index());
            missing += probs[i] == null || probs[i].length != read.labels().size() ? 1 : 0;
        }
        if (missing > 0 || !read.labels().equals(audit.labels())) {
            end(audit, AuditStatus.FAILED, missing + " of " + rows.size() + " rows have no out-of-fold probabilities "
                    + "(or the data set's labels changed)");
            return;
        }
        ConfidentLearning.Result found = ConfidentLearning.findLabelIssues(read.labelIds(), probs, audit.rankBy());
        List<AuditRepository.Suspect> suspects = new ArrayList<>();
        for (ConfidentLearning.Issue issue : found.issues()) {
            DatasetRow row = rows.get(issue.row());
            suspects.add(new AuditRepository.Suspect(suspects.size() + 1, row.index(), row.text(), row.textPair(),
                    read.labels().get(issue.given()), read.labels().get(issue.suggested()), issue.selfConfidence(),
                    issue.normalizedMargin()));
        }
        List<Double> thresholds = java.util.Arrays.stream(found.thresholds()).boxed().toList();
        List<List<Integer>> joint = java.util.Arrays.stream(found.confidentJoint())
                .map(r -> java.util.Arrays.stream(r).boxed().toList()).toList();
        if (audits.finish(audit.id(), AuditStatus.SUCCEEDED,
                new AuditRepository.AuditResult(thresholds, joint, rows.size(), suspects.size()), null, suspects)) {
            log.info("Audit {} SUCCEEDED: {} suspects among {} rows", audit.id(), suspects.size(), rows.size());
        }
    }
}
