package dev.attune.job;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import dev.attune.work.WorkListener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * Connects one running job to the outside: progress and metrics to the database (fenced by the worker's
 * lease), events to SSE, lines to its log. The work reports through {@link WorkListener}; its handler records
 * evaluations and results here.
 */
public final class JobRunListener implements WorkListener {

    private static final Logger log = LoggerFactory.getLogger(JobRunListener.class);

    private final String jobId;
    private final JobLease lease;
    private final int attempt;
    private final JobRepository repository;
    private final JobEvents events;
    private final JobLog jobLog;
    private final JobMetrics metrics;
    private final ObjectMapper mapper;
    private final BooleanSupplier cancelled;
    private final long intervalNanos;
    private long lastWrite;
    private Phase phase;
    private long phaseDone;
    private long phaseTotal;
    private Progress lastStep;

    /** True while the data dir's disk is full: nothing is written to the database (see DataDiskGuard). */
    private final BooleanSupplier diskFull;
    private volatile boolean stopped;

    JobRunListener(JobLease lease, int attempt, JobRepository repository, JobEvents events, JobLog jobLog, JobMetrics metrics,
            ObjectMapper mapper, BooleanSupplier cancelled, Duration progressInterval, BooleanSupplier diskFull) {
        this.diskFull = diskFull;
        this.jobId = lease.jobId();
        this.lease = lease;
        this.attempt = attempt;
        this.repository = repository;
        this.events = events;
        this.jobLog = jobLog;
        this.metrics = metrics;
        this.mapper = mapper;
        this.cancelled = cancelled;
        this.intervalNanos = progressInterval.toNanos();
    }

    /**
     * A phase change is written at once (so progress is never null while RUNNING, and an evaluation does
     * not look like a frozen job); moves within a phase at most every progress-interval.
     */
    @Override
    public void onPhase(Phase phase, long done, long total) {
        boolean changed = phase != this.phase;
        this.phase = phase;
        this.phaseDone = done;
        this.phaseTotal = total;
        write(changed);
    }

    @Override
    public void onStep(Progress progress) {
        metrics.samplesPerSecond(progress.samplesPerSecond());
        lastStep = progress;
        phase = Phase.TRAINING;
        phaseDone = progress.step();
        phaseTotal = progress.totalSteps();
        write(progress.step() == progress.totalSteps());
    }

    /** The progress resource: the phase with its own count, and the last step's figures once there are any. */
    private void write(boolean now) {
        long time = System.nanoTime();
        if (!now && time - lastWrite < intervalNanos) {
            return;
        }
        lastWrite = time;
        Progress step = lastStep;
        JobProgress body = new JobProgress(phase.id(), phaseDone, phaseTotal, step == null ? null : step.epoch(),
                step == null ? 0 : step.step(), step == null ? null : step.totalSteps(),
                step == null ? null : round(step.samplesPerSecond()), step == null ? null : round(step.etaSeconds()),
                step == null || !Double.isFinite(step.loss()) ? null : step.loss(), // none read yet, or fp16 overflow
                step == null ? null : step.learningRate());
        try {
            if (diskFull.getAsBoolean()) {
                return; // progress is not worth a database write that would fail (and close H2)
            }
            if (!repository.recordProgress(jobId, lease.owner(), mapper.writeValueAsString(body))) {
                lease.lose(); // another worker took the job over: stop at the next step
                return;
            }
        } catch (RuntimeException e) {
            log.warn("job {}: progress not recorded: {}", jobId, e.toString()); // reporting must not fail training
        }
        events.publish(jobId, "progress", body);
    }

    /**
     * Records one evaluation (the job's latest, and its best when {@code best}) and sends it as an event.
     *
     * @param metrics the evaluation's figures, stored as JSON
     * @return false when it was not recorded: the worker lost the job, or the data dir's disk is full; the work
     *     then stops at its next check
     */
    public boolean evaluated(long step, double epoch, double trainLoss, boolean best, Object metrics) {
        if (diskFull.getAsBoolean()) {
            // nothing can be recorded: the run stops; its lease lapses and it resumes once space is freed
            log.warn("job {}: the data dir's disk is full at step {}: stopping; it resumes once space is freed", jobId,
                    step);
            lease.lose();
            return false;
        }
        JobEvaluation evaluation = new JobEvaluation(step, epoch, trainLoss, best, mapper.valueToTree(metrics));
        if (!lease.held() || !repository.insertEvaluation(jobId, lease.owner(), attempt, evaluation)) {
            lease.lose();
            return false;
        }
        events.publish(jobId, "evaluation", evaluation);
        return true;
    }

    /** The job's rung in its own stored history: the place of the evaluation at {@code step} among its evaluations. */
    public int rungOf(long step) {
        return repository.rungOf(jobId, step);
    }

    /** Records the run's result figures (a test set's metrics, a batch prediction's summary), under the lease. */
    public void recordResult(Object figures) {
        repository.recordTestMetrics(jobId, lease.owner(), mapper.writeValueAsString(figures));
    }

    /**
     * Stops the job as its owner decided (a sweep's successive halving), not as a cancel: it ends STOPPED.
     *
     * @param why the log line
     */
    public void stop(String why) {
        stopped = true;
        log(why);
    }

    /** Whether the run ended because its owner stopped it ({@link #stop}), not a cancel. */
    boolean stopped() {
        return stopped;
    }

    @Override
    public boolean cancelRequested() {
        return stopped || cancelled.getAsBoolean();
    }

    @Override
    public void log(String message) {
        log.info("job {}: {}", jobId, message);
        if (!lease.held()) {
            return; // the job is another worker's now: its log is theirs
        }
        try {
            jobLog.append(jobId, message);
        } catch (RuntimeException e) {
            log.warn("job {}: log line not written: {}", jobId, e.toString());
        }
        events.publish(jobId, "log", message);
    }

    private static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 100) / 100.0 : 0;
    }
}
