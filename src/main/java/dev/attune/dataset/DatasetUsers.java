package dev.attune.dataset;

import java.util.List;

/**
 * Who still needs a data set: queued or running jobs reading it for training, validation or test, and running
 * sweeps (their waiting trials will).
 * Answered by the job queue (its own tables), so that this package never reads them.
 */
public interface DatasetUsers {

    record ActiveJob(String id, String status) {
    }

    List<ActiveJob> activeJobsUsingDataset(String datasetId);

    /** The ids of running sweeps whose trials read the data set. */
    List<String> runningSweepsUsingDataset(String datasetId);
}
