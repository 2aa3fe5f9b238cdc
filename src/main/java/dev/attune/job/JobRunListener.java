package dev.attune.job;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.attune.training.EvaluationPoint;
import dev.attune.training.TrainingListener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/** Connects one running job to the outside: progress and metrics to H2, events to SSE, lines to its log. */
final class JobRunListener implements TrainingListener {

    private static final Logger log = LoggerFactory.getLogger(JobRunListener.class);

    private final String jobId;
    private final int attempt;
    private final JobRepository repository;
    private final JobEvents events;
    private final JobLog jobLog;
    private final JobMetrics metrics;
    private final ObjectMapper mapper;
    private final BooleanSupplier cancelled;
    private final long intervalNanos;
    private long lastWrite;

    JobRunListener(String jobId, int attempt, JobRepository repository, JobEvents events, JobLog jobLog, JobMetrics metrics,
            ObjectMapper mapper, BooleanSupplier cancelled, Duration progressInterval) {
        this.jobId = jobId;
        this.attempt = attempt;
        this.repository = repository;
        this.events = events;
        this.jobLog = jobLog;
        this.metrics = metrics;
        this.mapper = mapper;
        this.cancelled = cancelled;
        this.intervalNanos = progressInterval.toNanos();
    }

    @Override
    public void onStep(Progress progress) {
        metrics.samplesPerSecond(progress.samplesPerSecond());
        long now = System.nanoTime();
        if (now - lastWrite < intervalNanos && progress.step() != progress.totalSteps()) {
            return;
        }
        lastWrite = now;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("epoch", progress.epoch());
        body.put("step", progress.step());
        body.put("totalSteps", progress.totalSteps());
        body.put("samplesPerSecond", round(progress.samplesPerSecond()));
        body.put("etaSeconds", round(progress.etaSeconds()));
        body.put("loss", progress.loss());
        body.put("learningRate", progress.learningRate());
        try {
            repository.recordProgress(jobId, mapper.writeValueAsString(body));
        } catch (RuntimeException e) {
            log.warn("job {}: progress not recorded: {}", jobId, e.toString()); // reporting must not fail training
        }
        events.publish(jobId, "progress", body);
    }

    @Override
    public void onEvaluation(EvaluationPoint point, boolean best) {
        String metricsJson = mapper.writeValueAsString(point.metrics());
        repository.insertEvaluation(jobId, attempt, point.step(), point.epoch(), point.trainLoss(), metricsJson, best);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("step", point.step());
        body.put("epoch", point.epoch());
        body.put("trainLoss", point.trainLoss());
        body.put("best", best);
        body.put("metrics", point.metrics());
        events.publish(jobId, "evaluation", body);
    }

    @Override
    public boolean cancelRequested() {
        return cancelled.getAsBoolean();
    }

    @Override
    public void log(String message) {
        log.info("job {}: {}", jobId, message);
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
