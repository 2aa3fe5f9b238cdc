package dev.attune.sweep;

import java.util.List;

import dev.attune.dataset.DatasetUsers;
import dev.attune.model.ModelUsers;
import dev.attune.job.JobStatus;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Answers the data-set and model packages' question "which unfinished jobs (and running sweeps) need this?" from
 * the job and sweep tables.
 */
@Component
class InputsInUse implements DatasetUsers, ModelUsers {

    private static final List<String> ACTIVE = List.of(JobStatus.QUEUED.name(), JobStatus.RUNNING.name());

    private final JdbcClient jdbc;

    InputsInUse(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<DatasetUsers.ActiveJob> activeJobsUsingDataset(String datasetId) {
        return jdbc.sql("""
                SELECT id, status FROM job WHERE status IN (:active)
                  AND (dataset_id = :id OR validation_dataset_id = :id OR test_dataset_id = :id)
                ORDER BY created_at""")
                .param("active", ACTIVE).param("id", datasetId)
                .query((rs, n) -> new DatasetUsers.ActiveJob(rs.getString("id"), rs.getString("status"))).list();
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
        return jdbc.sql("SELECT id, status FROM job WHERE status IN (:active) AND base_model = :id ORDER BY created_at")
                .param("active", ACTIVE).param("id", modelId)
                .query((rs, n) -> new ModelUsers.ActiveJob(rs.getString("id"), rs.getString("status"))).list();
    }
}
