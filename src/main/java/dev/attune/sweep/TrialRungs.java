package dev.attune.sweep;

import java.util.Optional;

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

    /** A trial halving stopped stays stopped: a crash before its STOPPED was written resumes it only to stop it. */
    @Override
    public String stoppedBefore(Job job) {
        return job.sweepId() == null ? null : sweeps.haltedAt(job.sweepId(), job.id()).map(TrialRungs::halted).orElse(null);
    }

    @Override
    public String stopAfter(Job job, int rung, EvaluationPoint point) {
        SweepRepository.SweepRow sweep = job.sweepId() == null ? null : sweeps.find(job.sweepId()).orElse(null);
        if (sweep == null) {
            return null;
        }
        Optional<Integer> halted = sweeps.haltedAt(sweep.id(), job.id());
        if (halted.isPresent()) {
            return halted(halted.get()); // stopped before a crash: stopped again, not judged anew
        }
        MetricForBest metric = sweep.spec().metric();
        sweeps.recordRung(sweep.id(), job.id(), rung, point.metrics().score(metric), point.metrics().loss());
        boolean halving = sweep.spec().scheduler() == SweepRequest.Scheduler.SUCCESSIVE_HALVING;
        if (!halving || point.epoch() >= job.spec(FineTuningConfig.class).options().epochs() - 1e-9) {
            return null;
        }
        // a rung evaluated again after a crash (its resume point came before it) keeps the judgement it got
        boolean continues = sweeps.judgementAt(sweep.id(), job.id(), rung)
                .orElseGet(() -> SuccessiveHalving.continues(job.id(), sweeps.resultsAt(sweep.id(), rung)));
        sweeps.recordJudgement(sweep.id(), job.id(), rung, continues); // first: a crash from here on keeps it
        return continues ? null : halted(rung);
    }

    private static String halted(int rung) {
        return "stopped by the sweep's successive halving after its evaluation at rung " + rung
                + ": outside the better half of the trials that reached it";
    }
}
