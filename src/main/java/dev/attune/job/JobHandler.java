package dev.attune.job;

import java.io.IOException;

import ai.djl.Device;

/**
 * What one {@link JobKind} of job does, as JobRunr's {@code JobRequestHandler}: one Spring bean per kind, which
 * {@link JobRunner} looks up by the job's kind, so the queue runs jobs without knowing the work. A handler does the
 * work and records what it produced under the lease; the runner records how the run ended.
 */
interface JobHandler {

    /** The kind of job this handler runs. */
    JobKind kind();

    /**
     * Runs the job to its end; a cancel or a failure is thrown (the training package's
     * TrainingCancelledException and TrainingFailedException), as the listener stops the work.
     *
     * @param lease the worker's lease on the job: every record is made under it
     * @param listener progress, cancellation and the job's log
     * @return the id of the model the job registered, or null if it registers none
     */
    String run(JobLease lease, Job job, Device device, JobRunListener listener) throws IOException;
}
