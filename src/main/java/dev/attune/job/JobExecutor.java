package dev.attune.job;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.attune.system.AttuneProperties;
import dev.attune.training.FineTuneOutcome;
import dev.attune.training.FineTuningService;
import dev.attune.training.TrainingCancelledException;
import dev.attune.training.TrainingFailedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * The one thread that owns the compute device: it runs queued jobs one at a time (DJL allows one
 * gradient collector per JVM), highest priority first, then in submission order. On start it
 * re-queues jobs a crash or restart left RUNNING (after three interrupted attempts, they fail).
 */
@Component
class JobExecutor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobExecutor.class);
    private static final int MAX_ATTEMPTS = 3;

    private final JobRepository repository;
    private final FineTuningService fineTuning;
    private final JobEvents events;
    private final JobLog jobLog;
    private final JobMetrics metrics;
    private final ObjectMapper mapper;
    private final Duration progressInterval;
    private final JobDirectories directories;
    private final String dataDir;
    private final Set<String> cancelRequests = ConcurrentHashMap.newKeySet();
    private final Object signal = new Object();
    private volatile boolean running;
    private Thread thread;

    JobExecutor(JobRepository repository, FineTuningService fineTuning, JobEvents events, JobLog jobLog,
            JobMetrics metrics, ObjectMapper mapper, AttuneProperties properties, JobDirectories directories) {
        this.directories = directories;
        this.dataDir = properties.dataDir().toAbsolutePath().normalize().toString();
        this.repository = repository;
        this.fineTuning = fineTuning;
        this.events = events;
        this.jobLog = jobLog;
        this.metrics = metrics;
        this.mapper = mapper;
        this.progressInterval = properties.jobs().progressInterval();
    }

    @Override
    public void start() {
        recoverInterrupted();
        running = true;
        thread = new Thread(this::loop, "attune-job-executor");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        wake();
        cancelRequests.addAll(repository.findAll(JobStatus.RUNNING).stream().map(Job::id).toList());
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    void requestCancel(String jobId) {
        cancelRequests.add(jobId);
    }

    /** A queued job was cancelled directly: tell its listeners. */
    void cancelled(String jobId) {
        jobLog.append(jobId, "cancelled while queued");
        events.finish(jobId, Map.of("status", JobStatus.CANCELLED));
    }

    /** Jobs left RUNNING by a crash: re-queued (they continue from their last evaluation's resume point), or failed. */
    void recoverInterrupted() {
        for (Job job : repository.findAll(JobStatus.RUNNING)) {
            if (job.attempts() >= MAX_ATTEMPTS) {
                repository.transition(job.id(), JobStatus.RUNNING, JobStatus.FAILED);
                repository.recordError(job.id(), "interrupted", "The service stopped during this job "
                        + job.attempts() + " times; it will not be retried. Submit it again to retry.");
                jobLog.append(job.id(), "interrupted " + job.attempts() + " times: failed");
            } else {
                repository.transition(job.id(), JobStatus.RUNNING, JobStatus.QUEUED);
                jobLog.append(job.id(), "interrupted by a restart during attempt " + job.attempts() + ": re-queued");
                log.warn("Job {} was left RUNNING by a restart: re-queued", job.id());
            }
        }
    }

    private void loop() {
        while (running) {
            try {
                Optional<Job> next = repository.nextQueued();
                if (next.isPresent()) {
                    run(next.get());
                } else {
                    synchronized (signal) {
                        signal.wait(1000);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("Job executor error", e);
            }
        }
    }

    /** One job: one try/catch/finally that records how it ended, with the job id in the logging MDC. */
    private void run(Job job) {
        if (!repository.transition(job.id(), JobStatus.QUEUED, JobStatus.RUNNING)) {
            return;
        }
        String id = job.id();
        MDC.put("jobId", id);
        long start = System.nanoTime();
        JobStatus outcome = JobStatus.FAILED;
        repository.resetProgress(id);
        JobRunListener listener = new JobRunListener(id, job.attempts() + 1, repository, events, jobLog, metrics, mapper,
                () -> cancelRequests.contains(id) || !running, progressInterval);
        try {
            events.publish(id, "status", Map.of("status", JobStatus.RUNNING));
            listener.log("started (attempt " + (job.attempts() + 1) + ")");
            JobConfig config = job.config();
            FineTuneOutcome result = fineTuning.run(config.fineTuneRequest(), id, directories.run(id), listener);
            if (result.test() != null) {
                repository.recordTestMetrics(id, mapper.writeValueAsString(result.test()));
            }
            repository.recordModel(id, result.model().id());
            outcome = JobStatus.SUCCEEDED;
            listener.log("succeeded: model " + result.model().id() + ", best validation "
                    + result.result().best().metrics().summary());
        } catch (TrainingCancelledException e) {
            outcome = running ? JobStatus.CANCELLED : JobStatus.QUEUED;
            listener.log(running ? "cancelled: " + e.getMessage() : "stopped by shutdown: will resume at the next start");
        } catch (TrainingFailedException e) {
            fail(id, e.reason(), e.getMessage(), listener);
        } catch (OutOfMemoryError e) {
            fail(id, "out_of_memory", "Out of memory: " + e.getMessage() + ". Lower batchSize or maxLength.", listener);
        } catch (Throwable e) {
            // the stack trace stays in the server log; users see the message and a reference to find it there
            String reference = UUID.randomUUID().toString().substring(0, 8);
            log.error("Job {} failed (reference {})", id, reference, e);
            fail(id, e.getClass().getSimpleName(), String.valueOf(e.getMessage()) + " (server log reference "
                    + reference + ")", listener);
        } finally {
            repository.transition(id, JobStatus.RUNNING, outcome);
            cancelRequests.remove(id);
            metrics.finished(outcome, Duration.ofNanos(System.nanoTime() - start));
            events.finish(id, Map.of("status", outcome));
            if (outcome != JobStatus.QUEUED) { // a job stopped by shutdown keeps its resume point and best weights
                directories.run(id).deleteWorkFiles();
            }
            MDC.remove("jobId");
        }
    }

    private void fail(String id, String type, String message, JobRunListener listener) {
        message = redact(message);
        repository.recordError(id, type, message);
        listener.log("failed (" + type + "): " + message);
    }

    /** A message without the absolute data directory (users need not know the server's file system). */
    private String redact(String message) {
        return message.replace(dataDir, "<data-dir>");
    }
}
