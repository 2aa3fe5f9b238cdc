package dev.attune.job;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import ai.djl.Device;

import dev.attune.system.AttuneProperties;
import dev.attune.system.DataDiskGuard;
import dev.attune.work.WorkCancelledException;
import dev.attune.work.WorkFailedException;

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
    private final JobKinds kinds;
    private final JobEvents events;
    private final JobLog jobLog;
    private final JobMetrics metrics;
    private final ObjectMapper mapper;
    private final Duration progressInterval;
    private final String dataDir;

    private final DataDiskGuard disk;

    JobRunner(JobRepository repository, JobQueue queue, JobKinds kinds, JobEvents events, JobLog jobLog,
            JobMetrics metrics, ObjectMapper mapper, AttuneProperties properties,
            DataDiskGuard disk) {
        this.disk = disk;
        this.repository = repository;
        this.queue = queue;
        this.kinds = kinds;
        this.events = events;
        this.jobLog = jobLog;
        this.metrics = metrics;
        this.mapper = mapper;
        this.progressInterval = properties.jobs().progressInterval();
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
        JobHandler handler = kinds.handler(job.kind());
        repository.resetProgress(id, lease.owner());
        events.runningHere(id);
        JobRunListener listener = new JobRunListener(lease, job.attempts(), repository, events, jobLog, metrics, mapper,
                () -> !lease.held() || lease.cancelRequested() || cancelled.getAsBoolean() || stopping.getAsBoolean(),
                progressInterval, disk::full);
        try {
            events.publish(id, "status", Map.of("status", JobStatus.RUNNING));
            listener.log("started (attempt " + job.attempts() + ") on node " + job.execution().node() + ", device "
                    + job.execution().device());
            modelId = run(handler, job, lease, device, listener);
            outcome = JobStatus.SUCCEEDED;
        } catch (WorkCancelledException e) {
            boolean shutdown = stopping.getAsBoolean() && !lease.cancelRequested() && !cancelled.getAsBoolean();
            outcome = listener.stopped() ? JobStatus.STOPPED
                    : shutdown || !lease.held() ? JobStatus.QUEUED : JobStatus.CANCELLED;
            if (outcome != JobStatus.STOPPED) {
                listener.log(shutdown ? "stopped by shutdown: another worker, or this node's next start, resumes it"
                        : "cancelled: " + e.getMessage());
            }
        } catch (WorkFailedException e) {
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
            finish(lease, outcome, handler, modelId, start); // its end is published by the queue (JobEnded)
            events.notRunningHere(id);
            MDC.remove("jobId");
        }
    }

    /** The work of the job's kind; a kind this node has no handler for fails the job. */
    private static String run(JobHandler handler, Job job, JobLease lease, Device device, JobRunListener listener)
            throws java.io.IOException {
        if (handler == null) {
            throw new WorkFailedException("unknown_job_kind", "This node cannot run jobs of kind " + job.kind().id()
                    + ": no handler is registered for it (a newer node's kind?).");
        }
        return handler.run(lease, job, device, listener);
    }

    private void finish(JobLease lease, JobStatus outcome, JobHandler handler, String modelId, long start) {
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
                handler.discard(modelId);
            }
            return;
        }
        metrics.finished(outcome, Duration.ofNanos(System.nanoTime() - start));
        events.finish(id, Map.of("status", outcome)); // an ended job's work files go with JobEnded (its kind's)
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
