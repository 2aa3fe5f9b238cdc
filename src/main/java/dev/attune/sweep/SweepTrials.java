package dev.attune.sweep;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.attune.system.AttuneProperties;
import dev.attune.job.JobService;
import dev.attune.job.JobEnded;
import dev.attune.finetune.FineTuningConfig;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * Moves sweeps on, as a state machine driven by events: a trial's end ({@link JobEnded}, however it ended) and the
 * node's reconciler ({@link SweepReconciler}, for ends no node reported) call {@link #advance}; reading a sweep
 * never does. Advancing queues waiting trials while maxParallel and the queue's room allow, each in one
 * transaction under the sweep's row lock (so maxParallel holds cluster-wide and a crash never leaves a trial
 * claimed without its job), and ends the sweep once every trial ended. Work done for a sweep is its submitter's.
 */
@Component
class SweepTrials implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SweepTrials.class);

    private final SweepRepository sweeps;
    private final JobService jobs;
    private final SweepOutcome outcome;
    private final TransactionTemplate transactions;
    private final ObjectMapper mapper;
    private final int maxQueued;
    private final ExecutorService mover = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "attune-sweeps");
        thread.setDaemon(true);
        return thread;
    });

    SweepTrials(SweepRepository sweeps, JobService jobs, SweepOutcome outcome, TransactionTemplate transactions,
            ObjectMapper mapper, AttuneProperties properties) {
        this.sweeps = sweeps;
        this.jobs = jobs;
        this.outcome = outcome;
        this.transactions = transactions;
        this.mapper = mapper;
        this.maxQueued = properties.jobs().maxQueued();
    }

    /**
     * A job ended: when it is a sweep's trial, the sweep moves on, on this component's own thread: whoever ended the
     * job (a worker, the lease keeper, a cancel) neither waits for the sweep's work (its deployment) nor fails with it.
     */
    @EventListener
    void jobEnded(JobEnded ended) {
        mover.execute(() -> {
            try {
                sweeps.sweepOfTrial(ended.jobId()).ifPresent(this::advance);
            } catch (RuntimeException e) {
                log.warn("Job {} ended ({}) but its sweep did not move on: {}; the reconciler tries again",
                        ended.jobId(), ended.status(), e.toString());
            }
        });
    }

    @Override
    public void destroy() {
        mover.shutdownNow(); // what was left is the reconciler's, on this node's next start or another node
    }

    /** Queues what may be queued; ends the sweep when every trial ended. Safe to call any time, from any node. */
    void advance(String sweepId) {
        SweepRepository.SweepRow sweep = sweeps.find(sweepId).orElse(null);
        if (sweep == null || sweep.status() != SweepStatus.RUNNING) {
            return;
        }
        boolean queued = false;
        while (claimNext(sweep) != null) {
            queued = true;
        }
        if (queued) {
            jobs.wake();
        }
        List<SweepRepository.TrialRow> trials = sweeps.trials(sweepId);
        if (!trials.isEmpty() && trials.stream().allMatch(SweepRepository.TrialRow::ended)) {
            outcome.end(sweep);
        }
    }

    /** Queues the next waiting trial if there is room; its job id, or null. */
    private String claimNext(SweepRepository.SweepRow sweep) {
        return transactions.execute(status -> {
            if (!sweeps.lockRunning(sweep.id())) {
                return null;
            }
            Integer limit = sweep.spec().maxParallel();
            if ((limit != null && sweeps.activeTrials(sweep.id()) >= limit) || jobs.queued() >= maxQueued) {
                return null;
            }
            Optional<SweepRepository.Waiting> next = sweeps.nextWaiting(sweep.id());
            if (next.isEmpty()) {
                return null;
            }
            String jobId = UUID.randomUUID().toString();
            if (!sweeps.assign(sweep.id(), next.get().trial(), jobId)) {
                return null;
            }
            jobs.insertQueued(jobId, mapper.readValue(next.get().config(), FineTuningConfig.class),
                    sweep.submittedBy(), sweep.id());
            return jobId;
        });
    }
}
