package dev.attune.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.attune.errors.Conflict;
import dev.attune.errors.NotFound;
import dev.attune.files.FileTrees;
import dev.attune.job.JobDirectories;
import dev.attune.job.JobService;
import dev.attune.job.Job;
import dev.attune.job.JobStatus;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Batch predictions as their own resources over the job queue: read, listed, deleted. A deleted one goes with
 * its results and log; one deleted while running is cancelled, hidden at once, and removed by the node's
 * clean-up ({@link BatchPredictionCleanup}) once its worker stopped: nothing is removed under a worker that runs it.
 */
@Service
class BatchPredictions {

    private static final Logger log = LoggerFactory.getLogger(BatchPredictions.class);

    /** How a DELETE ended. */
    enum Deletion {
        /** Removed now, results and record. */
        REMOVED,
        /** It was running: asked to stop, removed once it ended. */
        WHEN_ENDED
    }

    private final JobService jobs;
    private final BatchPredictionRepository repository;
    private final JobDirectories directories;

    BatchPredictions(JobService jobs, BatchPredictionRepository repository, JobDirectories directories) {
        this.jobs = jobs;
        this.repository = repository;
        this.directories = directories;
    }

    /** A batch prediction; not found when the id is another kind of job, or one deleted. */
    Job get(String id) {
        Job job = jobs.get(id);
        if (!(job.config() instanceof BatchPredictionSpec) || repository.deleteRequested(id)) {
            throw NotFound.of("Batch prediction", id);
        }
        return job;
    }

    List<Job> list(JobStatus status, int limit) {
        return jobs.getAll(repository.list(status, limit));
    }

    Deletion delete(String id) {
        Job job = get(id);
        if (!job.status().isFinal()) {
            repository.requestDelete(id); // first: however it ends from here on, the clean-up removes it
            try {
                job = jobs.cancel(id); // a queued one is cancelled at once, a running one at its next chunk
            } catch (Conflict ended) {
                job = jobs.get(id); // it ended in the meantime
            }
            if (!job.status().isFinal()) {
                return Deletion.WHEN_ENDED;
            }
        }
        remove(id);
        return Deletion.REMOVED;
    }

    /**
     * Removes the ended batch predictions deleted while they ran and those that ended before the retention; every
     * node does this, so two may remove the same one at once (both harmless).
     *
     * @return how many it removed
     */
    int removeExpired(Duration retention) {
        int removed = 0;
        for (String id : repository.removable(Instant.now().minus(retention))) {
            try {
                removed += remove(id) ? 1 : 0;
            } catch (RuntimeException e) {
                log.warn("Batch prediction {} not removed (the next round retries): {}", id, e.toString());
            }
        }
        return removed;
    }

    /** Its files first, then its record: a failure half-way leaves the record, and the next try finishes. */
    private boolean remove(String id) {
        FileTrees.delete(directories.of(id));
        return repository.delete(id);
    }
}
