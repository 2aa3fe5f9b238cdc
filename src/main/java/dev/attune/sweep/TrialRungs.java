package dev.attune.sweep;

import dev.attune.finetune.FineTuningConfig;
import dev.attune.finetune.TrialJudge;
import dev.attune.job.Job;
import dev.attune.training.EvaluationPoint;
import dev.attune.training.TrainingOptions.MetricForBest;

import org.springframework.stereotype.Component;

/**
 * A sweep's side of its trials' evaluations: each is recorded at its rung and, under successive halving, judged
 * ({@link SuccessiveHalving}; a trial's last evaluation never stops it). A rung is the evaluation's place in the
 * job's own stored history (its n-th evaluated step, whichever attempt made it), so a trial resumed after a crash
 * or a fail-over keeps its rungs.
 */
@Component
class TrialRungs implements TrialJudge {

    private final SweepRepository sweeps;

    TrialRungs(SweepRepository sweeps) {
        this.sweeps = sweeps;
    }

    @Override
    public String stopAfter(Job job, int rung, EvaluationPoint point) {
        SweepRepository.SweepRow sweep = job.sweepId() == null ? null : sweeps.find(job.sweepId()).orElse(null);
        if (sweep == null) {
            return null;
        }
        MetricForBest metric = sweep.spec().metric();
        sweeps.recordRung(sweep.id(), job.id(), rung, point.metrics().score(metric), point.metrics().loss());
        boolean halving = sweep.spec().scheduler() == SweepRequest.Scheduler.SUCCESSIVE_HALVING;
        if (!halving || point.epoch() >= job.spec(FineTuningConfig.class).options().epochs() - 1e-9
                || SuccessiveHalving.continues(job.id(), sweeps.resultsAt(sweep.id(), rung))) {
            return null;
        }
        return "stopped by the sweep's successive halving after the evaluation at step " + point.step()
                + ": outside the better half of the trials that reached it";
    }
}
