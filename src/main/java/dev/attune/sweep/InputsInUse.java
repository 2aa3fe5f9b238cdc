package dev.attune.sweep;

import java.util.List;

import dev.attune.dataset.DatasetUsers;
import dev.attune.model.ModelUsers;
import dev.attune.job.JobService;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Answers the data-set and model packages' question "which unfinished jobs (and running sweeps) need this?": the
 * queue tells which of its jobs read it (from the inputs every job's row stores, whatever its kind), the sweep
 * table which running sweeps will. It lives here, where both are known: the queue imports neither registry.
 */
@Component
class InputsInUse implements DatasetUsers, ModelUsers {

    private final JdbcClient jdbc;
    private final JobService jobs;

    InputsInUse(JdbcClient jdbc, JobService jobs) {
        this.jdbc = jdbc;
        this.jobs = jobs;
    }

    @Override
    public List<DatasetUsers.ActiveJob> activeJobsUsingDataset(String datasetId) {
        return jobs.unfinishedReadingDataset(datasetId).stream()
                .map(job -> new DatasetUsers.ActiveJob(job.id(), job.status().name())).toList();
    }

    @Override
    public List<String> runningSweepsUsingDataset(String datasetId) {
        return jdbc.sql("""
                SELECT id FROM sweep WHERE status = 'RUNNING'
                  AND (dataset_id = :id OR validation_dataset_id = :id OR test_dataset_id = :id)
                ORDER BY created_at""").param("id", datasetId).query(String.class).list();
    }

    /** A running sweep needs its base (trials wait to fine-tune from it) and its succeeded trials' models (one may win). */
    @Override
    public List<String> runningSweepsUsingModel(String modelId) {
        return jdbc.sql("""
                SELECT s.id FROM sweep s WHERE s.status = 'RUNNING'
                  AND (s.base_model = :id OR EXISTS (SELECT 1 FROM job j WHERE j.sweep_id = s.id AND j.model_id = :id))
                ORDER BY s.created_at""").param("id", modelId).query(String.class).list();
    }

    @Override
    public List<ModelUsers.ActiveJob> activeJobsUsingModel(String modelId) {
        return jobs.unfinishedReadingModel(modelId).stream()
                .map(job -> new ModelUsers.ActiveJob(job.id(), job.status().name())).toList();
    }
}
