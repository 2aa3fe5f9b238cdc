package dev.attune.job;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/** Micrometer meters of the job queue: queue depth, running jobs, durations by outcome, training samples/s. */
@Component
class JobMetrics {

    private final MeterRegistry registry;
    private final AtomicReference<Double> samplesPerSecond = new AtomicReference<>(0.0);

    JobMetrics(MeterRegistry registry, JobRepository repository) {
        this.registry = registry;
        Gauge.builder("attune.jobs.queued", repository, r -> r.count(JobStatus.QUEUED))
                .description("jobs waiting to run").register(registry);
        Gauge.builder("attune.jobs.running", repository, r -> r.count(JobStatus.RUNNING))
                .description("jobs running").register(registry);
        Gauge.builder("attune.training.samples.per.second", samplesPerSecond, AtomicReference::get)
                .description("training throughput of the running job").register(registry);
    }

    void samplesPerSecond(double value) {
        samplesPerSecond.set(value);
    }

    void finished(JobStatus status, Duration duration) {
        Timer.builder("attune.jobs.duration").description("wall time of finished jobs").tag("status", status.name())
                .register(registry).record(duration);
        samplesPerSecond.set(0.0);
    }
}
