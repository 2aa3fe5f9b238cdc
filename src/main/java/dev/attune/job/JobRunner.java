package dev.attune.job;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import ai.djl.Device;

import dev.attune.model.ModelService;
import dev.attune.system.AttuneProperties;
import dev.attune.system.DataDiskGuard;
import dev.attune.training.TrainingCancelledException;
import dev.attune.training.TrainingFailedException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs one claimed job to its end on a worker's device: one try/catch/finally that records how it ended,
 * with the job id in the logging MDC. Every record it makes is fenced by the worker's lease; a worker that
 * lost its lease (its node was presumed dead and the job went to another) stops and leaves the job alone. The work
 * itself is the {@link JobHandler} of the job's {@link JobKind}: the runner knows kinds of work, not the work.
 */
@Component
class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final JobRepository repository;
    private final JobQueue queue;
    private final ModelService models;
    private final JobEvents events;
    private final JobLog jobLog;
    private final JobMetrics metrics;
    private final ObjectMapper mapper;
    private final Duration progressInterval;
    private final JobDirectories directories;
    private final String dataDir;

    private final DataDiskGuard disk;
    private final TrialRungs trialRungs;
    private final Map<JobKind, JobHandler> handlers = new EnumMap<>(JobKind.class);

    JobRunner(JobRepository repository, JobQueue queue, ModelService models, JobEvents events, JobLog jobLog,
            JobMetrics metrics, ObjectMapper mapper, AttuneProperties properties, JobDirectories directories,
            DataDiskGuard disk, TrialRungs trialRungs, List<JobHandler> handlers) {
        for (JobHandler handler : handlers) {
            if (this.handlers.putIfAbsent(handler.kind(), handler) != null) {
                throw new IllegalStateException("two handlers for job kind " + handler.kind().id() + ": "
                        + this.handlers.get(handler.kind()).getClass().getSimpleName() + " and "
                        + handler.getClass().getSimpleName());
            }
        }
        this.trialRungs = trialRungs;
        this.disk = disk;
        this.repository = repository;
        this.queue = queue;
        this.models = models;
        this.events = events;
        this.jobLog = jobLog;
        this.metrics = metrics;
        this.mapper = mapper;
        this.progressInterval = properties.jobs().progressInterval();
        this.directories = directories;
        this.dataDir = properties.dataDir().toAbsolutePath().normalize().toString();
    }

    /**
     * @param job the job as claimed (its attempts already counted)
     * @param stopping true once this node shuts down: the job goes back to the queue with its resume point
     * @param cancelled true once a cancel was asked on this node
     */
    void run(Job job, JobLease lease, Device device, BooleanSupplier stopping, BooleanSupplier cancelled) {
        String id = job.id();
        MDC.put("jobId", id);
        long start = System.nanoTime();
        JobStatus outcome = JobStatus.FAILED;
        String modelId = null;
        repository.resetProgress(id, lease.owner());
        events.runningHere(id);
        JobRunListener listener = new JobRunListener(lease, job.attempts(), repository, events, jobLog, metrics, mapper,
                () -> !lease.held() || lease.cancelRequested() || cancelled.getAsBoolean() || stopping.getAsBoolean(),
                progressInterval, disk::full, trialRungs.hookFor(job));
        try {
            events.publish(id, "status", Map.of("status", JobStatus.RUNNING));
            listener.log("started (attempt " + job.attempts() + ") on node " + job.execution().node() + ", device "
                    + job.execution().device());
            modelId = handlerOf(job).run(lease, job, device, listener);
            outcome = JobStatus.SUCCEEDED;
        } catch (TrainingCancelledException e) {
            boolean shutdown = stopping.getAsBoolean() && !lease.cancelRequested() && !cancelled.getAsBoolean();
            outcome = listener.stoppedBySweep() ? JobStatus.STOPPED
                    : shutdown || !lease.held() ? JobStatus.QUEUED : JobStatus.CANCELLED;
            if (outcome != JobStatus.STOPPED) {
                listener.log(shutdown ? "stopped by shutdown: another worker, or this node's next start, resumes it"
                        : "cancelled: " + e.getMessage());
            }
        } catch (TrainingFailedException e) {
            fail(lease, e.reason(), e.getMessage(), listener);
        } catch (OutOfMemoryError e) {
            fail(lease, "out_of_memory", "Out of memory: " + e.getMessage() + ". Lower batchSize or maxLength.", listener);
        } catch (Throwable e) {
            // the stack trace stays in the server log; users see the message and a reference to find it there
            String reference = UUID.randomUUID().toString().substring(0, 8);
            log.error("Job {} failed (reference {})", id, reference, e);
            fail(lease, e.getClass().getSimpleName(), String.valueOf(e.getMessage()) + " (server log reference "
                    + reference + ")", listener);
        } finally {
            finish(lease, outcome, modelId, start); // its end is published by the queue (JobEnded)
            events.notRunningHere(id);
            MDC.remove("jobId");
        }
    }

    /** The handler of the job's kind; a kind this node has no handler for fails the job. */
    private JobHandler handlerOf(Job job) {
        JobHandler handler = job.kind() == null ? null : handlers.get(job.kind());
        if (handler == null) {
            throw new TrainingFailedException("unknown_job_kind", "This node cannot run jobs of kind "
                    + (job.kind() == null ? "(unknown to this version)" : job.kind().id())
                    + ": no handler is registered for it.");
        }
        return handler;
    }

    private void finish(JobLease lease, JobStatus outcome, String modelId, long start) {
        String id = lease.jobId();
        if (disk.full() && outcome != JobStatus.SUCCEEDED) {
            // writing the end would fail (and close H2): the job stays RUNNING, its lease lapses, and it is taken
            // back and resumed from its last resume point once space is freed
            log.warn("Job {}: the data dir's disk is full; the run's end ({}) is not recorded, the job resumes once "
                    + "space is freed", id, outcome);
            events.finish(id, Map.of("status", JobStatus.QUEUED));
            return;
        }
        if (!queue.release(id, lease.owner(), outcome, outcome == JobStatus.SUCCEEDED ? modelId : null)) {
            // another worker holds the job now: what this run produced is not the job's
            log.warn("Job {}: this worker lost its lease (its node was presumed dead); another worker runs the job, "
                    + "this one wrote nothing more", id);
            if (modelId != null) {
                models.discard(modelId);
            }
            return;
        }
        metrics.finished(outcome, Duration.ofNanos(System.nanoTime() - start));
        events.finish(id, Map.of("status", outcome));
        if (outcome != JobStatus.QUEUED) { // a job stopped by shutdown keeps its resume point and best weights
            directories.run(id).deleteWorkFiles();
        }
    }

    private void fail(JobLease lease, String type, String message, JobRunListener listener) {
        if (disk.full()) {
            return; // the failure is the full disk's: nothing is recorded, the job resumes later (see finish)
        }
        message = message.replace(dataDir, "<data-dir>"); // users need not know the server's file system
        repository.recordError(lease.jobId(), lease.owner(), type, message);
        listener.log("failed (" + type + "): " + message);
    }
}
