package dev.attune.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.attune.deployment.DeploymentService;
import dev.attune.training.TrainingOptions.MetricForBest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A sweep's side of its trials as they run: each evaluation's score recorded at its rung and, under
 * successive halving, the decision to go on (asynchronous successive halving, reduction factor
 * {@value #REDUCTION}: at each rung a trial continues only while it is in the better 1/{@value #REDUCTION} of the
 * trials that reached that rung, judged once at least {@value #REDUCTION} have; a trial's last evaluation never
 * stops it). When the last trial ends, the sweep ends: its best trial among those that succeeded, that trial's
 * model, and the deployment it was asked to update.
 */
@Component
class SweepTrials {

    private static final Logger log = LoggerFactory.getLogger(SweepTrials.class);

    static final int REDUCTION = 2;

    private final SweepRepository sweeps;
    private final JobRepository jobs;
    private final DeploymentService deployments;
    private final ObjectMapper mapper;
    private final ApplicationEventPublisher events;

    SweepTrials(SweepRepository sweeps, JobRepository jobs, DeploymentService deployments, ObjectMapper mapper,
            ApplicationEventPublisher events) {
        this.events = events;
        this.sweeps = sweeps;
        this.jobs = jobs;
        this.deployments = deployments;
        this.mapper = mapper;
    }

    /** The hook a job's run reports its evaluations to: none unless it is a sweep's trial. */
    TrialHook hookFor(Job job) {
        if (job.sweepId() == null) {
            return TrialHook.NONE;
        }
        SweepRepository.SweepRow sweep = sweeps.find(job.sweepId()).orElse(null);
        if (sweep == null) {
            return TrialHook.NONE;
        }
        JsonNode spec = mapper.readTree(sweep.spec());
        MetricForBest metric = MetricForBest.of(spec.get("metric").asString());
        boolean halving = "successive_halving".equals(spec.path("scheduler").asString("none"));
        int epochs = job.config().options().epochs();
        return (rung, point) -> {
            double score = point.metrics().score(metric);
            sweeps.recordRung(sweep.id(), job.id(), rung, score);
            if (!halving || point.epoch() >= epochs - 1e-9) {
                return true;
            }
            List<Double> scores = new ArrayList<>(sweeps.scoresAt(sweep.id(), rung));
            if (scores.size() < REDUCTION) {
                return true;
            }
            scores.sort(java.util.Comparator.reverseOrder());
            return score >= scores.get(scores.size() / REDUCTION - 1);
        };
    }

    /** A trial ended: the next waiting trials are queued (maxParallel); when it was the last, the sweep ends. */
    void trialEnded(String sweepId) {
        SweepRepository.SweepRow sweep = sweeps.find(sweepId).orElse(null);
        if (sweep == null || !"RUNNING".equals(sweep.status())) {
            return;
        }
        queueWaiting(sweep);
        List<SweepRepository.TrialRow> rows = sweeps.trials(sweepId);
        if (rows.stream().anyMatch(t -> t.jobId() == null)) {
            return;
        }
        List<Job> trials = rows.stream().flatMap(t -> jobs.findById(t.jobId()).stream()).toList();
        if (trials.stream().anyMatch(job -> !job.status().isFinal())) {
            return;
        }
        finish(sweep, trials, null);
    }

    /** Queues waiting trials while fewer than maxParallel are queued or running (each claimed once, cluster-wide). */
    private void queueWaiting(SweepRepository.SweepRow sweep) {
        JsonNode limit = mapper.readTree(sweep.spec()).get("maxParallel");
        if (limit == null || limit.isNull()) {
            return;
        }
        long active = sweeps.trials(sweep.id()).stream().filter(t -> t.jobId() != null)
                .flatMap(t -> jobs.findById(t.jobId()).stream()).filter(job -> !job.status().isFinal()).count();
        for (Map.Entry<Integer, String> waiting : sweeps.pending(sweep.id())) {
            if (active >= limit.asInt()) {
                return;
            }
            String jobId = UUID.randomUUID().toString();
            if (sweeps.claimPending(sweep.id(), waiting.getKey(), jobId)) {
                jobs.insert(Job.submitted(jobId, mapper.readValue(waiting.getValue(), JobConfig.class),
                        SubmissionClock.next(), null, sweep.id()));
                events.publishEvent(new JobExecutor.JobQueuedEvent(jobId));
                active++;
            }
        }
    }

    /** Ends the sweep with its best succeeded trial; {@code status} null: SUCCEEDED, or FAILED when none succeeded. */
    void finish(SweepRepository.SweepRow sweep, List<Job> trials, String status) {
        Job best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Job trial : trials) {
            Double score = sweeps.bestScore(sweep.id(), trial.id());
            if (trial.status() == JobStatus.SUCCEEDED && score != null && score > bestScore) {
                best = trial;
                bestScore = score;
            }
        }
        String ended = status != null ? status : best != null ? "SUCCEEDED" : "FAILED";
        String modelId = best == null ? null : best.execution().modelId();
        if (!sweeps.finish(sweep.id(), ended, best == null ? null : best.id(), modelId)) {
            return; // another node ended it first
        }
        log.info("Sweep {} {}: best trial {} (model {})", sweep.id(), ended, best == null ? null : best.id(), modelId);
        String deploy = mapper.readTree(sweep.spec()).path("deploy").asString(null);
        if (deploy != null && !deploy.isBlank() && modelId != null && status == null) {
            deployments.deploy(deploy, modelId);
        }
    }
}
