package dev.attune.job;

import java.io.IOException;

import ai.djl.Device;

/**
 * What one {@link JobKind} of job does, as JobRunr's {@code JobRequestHandler}: one Spring bean per kind, which
 * {@link JobRunner} looks up by the job's kind, so the queue runs jobs without knowing the work. A handler does the
 * work and records what it produced under the lease; the runner records how the run ended.
 */
public interface JobHandler {

    /** The kind of job this handler runs (its id and the spec type its rows are read as). */
    JobKind kind();

    /**
     * Runs the job to its end; a cancel or a failure is thrown (a {@link dev.attune.work.WorkCancelledException} or
     * {@link dev.attune.work.WorkFailedException}), as the listener stops the work.
     *
     * @param lease the worker's lease on the job: every record is made under it
     * @param listener progress, cancellation, evaluations and the job's log
     * @return the id of the model the job registered, or null if it registers none
     */
    String run(JobLease lease, Job job, Device device, JobRunListener listener) throws IOException;

    /**
     * What {@link #run} produced is not the job's after all (its worker lost the lease while finishing, and
     * another worker runs the job): undo it.
     */
    default void discard(String produced) {
    }
}
