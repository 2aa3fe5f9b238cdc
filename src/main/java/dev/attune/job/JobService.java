package dev.attune.job;

import dev.attune.system.Callers;

import java.util.List;
import java.util.UUID;


import dev.attune.system.AttuneProperties;
import dev.attune.errors.Conflict;
import dev.attune.errors.NotFound;
import dev.attune.errors.Overloaded;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

/** Submits, lists, reads and cancels jobs; the executor runs them. */
@Service
public class JobService {

    private final JobRepository repository;
    private final JobExecutor executor;
    private final int maxQueued;

    JobService(JobRepository repository, JobExecutor executor, AttuneProperties properties) {
        this.repository = repository;
        this.executor = executor;
        this.maxQueued = properties.jobs().maxQueued();
    }

    /** Queues a checked job of any kind under a new id, unless the queue is full. */
    public Job enqueue(JobSpec spec) {
        return enqueue(UUID.randomUUID().toString(), spec);
    }

    /** Queues a checked job under the id it was checked with, unless the queue is full. */
    public Job enqueue(String id, JobSpec spec) {
        checkQueueRoom();
        Job job = Job.submitted(id, spec, SubmissionClock.next(), Callers.keyName(), null);
        try {
            repository.insert(job);
        } catch (DataIntegrityViolationException e) {
            // a data set it names was deleted between the checks above and this insert (a foreign key)
            throw new Conflict("Data set deleted", "A data set this job names was deleted while the job was "
                    + "being submitted. Upload it again, or pick another, and resubmit.");
        }
        executor.wake();
        return job;
    }

    /**
     * Queues a job in the caller's transaction, without the queue-room check: for a caller that checked the room
     * ({@link #queued()}) under a lock of its own (a sweep queueing its next trial). Call {@link #wake()} once it
     * committed.
     */
    public Job insertQueued(String id, JobSpec spec, String submittedBy, String sweepId) {
        Job job = Job.submitted(id, spec, SubmissionClock.next(), submittedBy, sweepId);
        repository.insert(job);
        return job;
    }

    /** How many jobs wait in the queue. */
    public int queued() {
        return repository.count(JobStatus.QUEUED);
    }

    /** Jobs were queued: this node's idle workers look at once (other nodes' within their poll interval). */
    public void wake() {
        executor.wake();
    }

    /** 429 with Retry-After when attune.jobs.max-queued jobs wait already. */
    public void checkQueueRoom() {
        if (repository.count(JobStatus.QUEUED) >= maxQueued) {
            throw new Overloaded("Queue full", "There are already " + maxQueued
                    + " queued jobs (attune.jobs.max-queued). Retry later, or cancel queued jobs.")
                    .retryAfter(60);
        }
    }

    public Job get(String id) {
        return repository.findById(id).orElseThrow(() -> NotFound.of("Job", id));
    }

    /** The jobs of these ids that exist, in the order of the ids. */
    public List<Job> getAll(List<String> ids) {
        return repository.findAll(ids);
    }

    /** Queued and running jobs that read this data set (as training, validation or test data), oldest first. */
    public List<Unfinished> unfinishedReadingDataset(String datasetId) {
        return repository.unfinishedReading(datasetId, true);
    }

    /** Queued and running jobs that read this model (to start from, or to score with), oldest first. */
    public List<Unfinished> unfinishedReadingModel(String modelId) {
        return repository.unfinishedReading(modelId, false);
    }

    /** A queued or running job, as a registry asking who still needs a data set or model sees it. */
    public record Unfinished(String id, JobStatus status) {
    }

    public List<Job> list(JobStatus status) {
        return repository.findAll(status);
    }

    List<JobRepository.EvaluationRow> evaluations(String id) {
        get(id);
        return repository.evaluations(id);
    }

    /** Cancels a queued job at once; asks a running one to stop at its next step. */
    public Job cancel(String id) {
        Job job = get(id);
        if (job.status().isFinal()) {
            throw new Conflict("Job already finished", "Job " + id + " is " + job.status()
                    + "; only QUEUED or RUNNING jobs can be cancelled.");
        }
        if (job.status() == JobStatus.QUEUED && repository.cancelQueued(id)) {
            executor.cancelled(id);
            return get(id);
        }
        executor.requestCancel(id);
        return get(id);
    }

}
