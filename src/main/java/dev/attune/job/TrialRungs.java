package dev.attune.job;

import dev.attune.training.TrainingOptions.MetricForBest;

import org.springframework.stereotype.Component;

/**
 * A sweep's side of its trials' evaluations: each is recorded at its rung and, under successive halving, judged
 * ({@link SuccessiveHalving}; a trial's last evaluation never stops it). A rung is the evaluation's place in the
 * job's own stored history (its n-th evaluated step, whichever attempt made it), so a trial resumed after a crash
 * or a fail-over keeps its rungs.
 */
@Component
class TrialRungs {

    private final SweepRepository sweeps;
    private final JobRepository jobs;

    TrialRungs(SweepRepository sweeps, JobRepository jobs) {
        this.sweeps = sweeps;
        this.jobs = jobs;
    }

    /** The hook a job's run reports its evaluations to: none unless it is a sweep's trial. */
    TrialHook hookFor(Job job) {
        SweepRepository.SweepRow sweep = job.sweepId() == null ? null : sweeps.find(job.sweepId()).orElse(null);
        if (sweep == null) {
            return TrialHook.NONE;
        }
        MetricForBest metric = sweep.spec().metric();
        boolean halving = sweep.spec().scheduler() == SweepRequest.Scheduler.SUCCESSIVE_HALVING;
        int epochs = job.config().options().epochs();
        return point -> {
            int rung = jobs.rungOf(job.id(), point.step());
            sweeps.recordRung(sweep.id(), job.id(), rung, point.metrics().score(metric), point.metrics().loss());
            if (!halving || point.epoch() >= epochs - 1e-9) {
                return true;
            }
            return SuccessiveHalving.continues(job.id(), sweeps.resultsAt(sweep.id(), rung));
        };
    }
}
