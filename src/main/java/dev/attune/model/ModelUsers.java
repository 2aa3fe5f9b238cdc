package dev.attune.model;

import java.util.List;

/**
 * Who still needs a registered model: queued or running jobs fine-tuning from it, and running sweeps (whose waiting
 * trials fine-tune from it, or whose succeeded trial made it and may yet win). Answered by the job queue (its own
 * tables), so that this package never reads them.
 */
public interface ModelUsers {

    record ActiveJob(String id, String status) {
    }

    List<ActiveJob> activeJobsUsingModel(String modelId);

    /** The ids of running sweeps that need the model. */
    List<String> runningSweepsUsingModel(String modelId);
}
