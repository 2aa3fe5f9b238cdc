package dev.attune.sweep;

import java.util.Comparator;
import java.util.List;

import dev.attune.deployment.DeploymentService;
import dev.attune.model.ModelService;
import dev.attune.job.JobStatus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * How a sweep ends: its best succeeded trial whose model still exists (a winner's model deleted after all falls
 * to the next best), recorded once however many nodes try, and the deployment it was asked to update. A
 * deployment that fails is recorded on the sweep (deployError); it never fails whoever ended the sweep. The end
 * and "a deployment is pending", claimed by the node ending it for a while, are one update: a node that dies before
 * the deployment leaves it to any node's reconciler once the claim lapsed ({@link #deployPending}), which claims it
 * in turn; so it is made once, or twice to the same model only when a claim lapsed while its node still worked.
 */
@Component
class SweepOutcome {

    private static final Logger log = LoggerFactory.getLogger(SweepOutcome.class);

    /** Higher score first; equal scores: the earlier trial. */
    private static final Comparator<SweepRepository.TrialRow> BEST_FIRST = Comparator
            .comparing(SweepRepository.TrialRow::bestScore, Comparator.reverseOrder())
            .thenComparingInt(SweepRepository.TrialRow::trial);

    private final SweepRepository sweeps;
    private final ModelService models;
    private final DeploymentService deployments;

    SweepOutcome(SweepRepository sweeps, ModelService models, DeploymentService deployments) {
        this.sweeps = sweeps;
        this.models = models;
        this.deployments = deployments;
    }

    /** Every trial ended: SUCCEEDED with the best one, or FAILED when none succeeded; then its deployment. */
    void end(SweepRepository.SweepRow sweep) {
        SweepRepository.TrialRow best = best(sweep.id());
        SweepStatus status = best != null ? SweepStatus.SUCCEEDED : SweepStatus.FAILED;
        boolean deploy = best != null && sweep.spec().deploy() != null;
        if (record(sweep, status, best, deploy) && deploy) {
            deploy(sweep, best.modelId());
        }
    }

    /** Makes the deployments that ended sweeps still owe (their node died between the end and the deployment). */
    void deployPending() {
        for (String id : sweeps.deployPending()) {
            if (!sweeps.claimDeployment(id)) {
                continue; // made in the meantime, or another node's now
            }
            sweeps.find(id).ifPresent(sweep -> {
                log.info("Sweep {}: its deployment '{}' was not made when it ended; making it now", id,
                        sweep.spec().deploy());
                deploy(sweep, sweep.modelId());
            });
        }
    }

    /** Cancelled: the best trial that had succeeded by then, no deployment. */
    void cancel(SweepRepository.SweepRow sweep) {
        record(sweep, SweepStatus.CANCELLED, best(sweep.id()), false);
    }

    private SweepRepository.TrialRow best(String sweepId) {
        List<SweepRepository.TrialRow> candidates = sweeps.trials(sweepId).stream()
                .filter(t -> t.status() == JobStatus.SUCCEEDED && t.modelId() != null && t.bestScore() != null
                        && !t.bestScore().isNaN())
                .sorted(BEST_FIRST).toList();
        return candidates.stream().filter(t -> models.find(t.modelId()).isPresent()).findFirst().orElse(null);
    }

    private boolean record(SweepRepository.SweepRow sweep, SweepStatus status, SweepRepository.TrialRow best,
            boolean deployPending) {
        String modelId = best == null ? null : best.modelId();
        if (!sweeps.finish(sweep.id(), status, best == null ? null : best.jobId(), modelId, deployPending)) {
            return false; // another node (or a cancel) ended it first
        }
        log.info("Sweep {} {}: best trial {} (model {})", sweep.id(), status, best == null ? null : best.trial(), modelId);
        return true;
    }

    private void deploy(SweepRepository.SweepRow sweep, String modelId) {
        try {
            deployments.deploy(sweep.spec().deploy(), modelId, sweep.submittedBy());
        } catch (RuntimeException e) {
            log.warn("Sweep {}: deployment '{}' not updated to model {}: {}", sweep.id(), sweep.spec().deploy(), modelId,
                    e.toString());
            sweeps.recordDeployError(sweep.id(), "Deployment '" + sweep.spec().deploy() + "' was not pointed at model "
                    + modelId + ": " + e.getMessage());
        }
        sweeps.deployDone(sweep.id());
    }
}
