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
class JobService {

    private final JobRepository repository;
    private final SubmissionChecks checks;
    private final JobExecutor executor;
    private final int maxQueued;

    JobService(JobRepository repository, SubmissionChecks checks, JobExecutor executor,
            AttuneProperties properties) {
        this.repository = repository;
        this.checks = checks;
        this.executor = executor;
        this.maxQueued = properties.jobs().maxQueued();
    }

    Job submit(JobRequest request) {
        String id = UUID.randomUUID().toString();
        return enqueue(id, checks.resolve(request, id));
    }

    /** Queues a checked job (fine-tuning or batch scoring) unless the queue is full. */
    Job enqueue(JobConfig config) {
        return enqueue(UUID.randomUUID().toString(), config);
    }

    private Job enqueue(String id, JobConfig config) {
        checkQueueRoom();
        Job job = Job.submitted(id, config, SubmissionClock.next(), Callers.keyName(), null);
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

    /** 429 with Retry-After when attune.jobs.max-queued jobs wait already. */
    void checkQueueRoom() {
        if (repository.count(JobStatus.QUEUED) >= maxQueued) {
            throw new Overloaded("Queue full", "There are already " + maxQueued
                    + " queued jobs (attune.jobs.max-queued). Retry later, or cancel queued jobs.")
                    .retryAfter(60);
        }
    }

    Job get(String id) {
        return repository.findById(id).orElseThrow(() -> NotFound.of("Job", id));
    }

    List<Job> list(JobStatus status) {
        return repository.findAll(status);
    }

    List<JobRepository.EvaluationRow> evaluations(String id) {
        get(id);
        return repository.evaluations(id);
    }

    /** Cancels a queued job at once; asks a running one to stop at its next step. */
    Job cancel(String id) {
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
