-- The foreign keys the schema implies (issue 15). Deleting a data set or a model that only finished
-- jobs used keeps those jobs (their reference becomes NULL; their config keeps the id). Queued or
-- running jobs block such deletes in the services (409); a job submitted against a row deleted a
-- moment before fails to insert instead of being left without its data.
ALTER TABLE job ALTER COLUMN dataset_id DROP NOT NULL;

UPDATE job SET dataset_id = NULL WHERE dataset_id NOT IN (SELECT id FROM dataset);
UPDATE job SET validation_dataset_id = NULL
    WHERE validation_dataset_id IS NOT NULL AND validation_dataset_id NOT IN (SELECT id FROM dataset);
UPDATE job SET test_dataset_id = NULL WHERE test_dataset_id IS NOT NULL AND test_dataset_id NOT IN (SELECT id FROM dataset);
UPDATE job SET model_id = NULL WHERE model_id IS NOT NULL AND model_id NOT IN (SELECT id FROM model);
UPDATE model SET job_id = NULL WHERE job_id IS NOT NULL AND job_id NOT IN (SELECT id FROM job);

ALTER TABLE job ADD CONSTRAINT job_dataset_fk
    FOREIGN KEY (dataset_id) REFERENCES dataset (id) ON DELETE SET NULL;
ALTER TABLE job ADD CONSTRAINT job_validation_dataset_fk
    FOREIGN KEY (validation_dataset_id) REFERENCES dataset (id) ON DELETE SET NULL;
ALTER TABLE job ADD CONSTRAINT job_test_dataset_fk
    FOREIGN KEY (test_dataset_id) REFERENCES dataset (id) ON DELETE SET NULL;
ALTER TABLE job ADD CONSTRAINT job_model_fk
    FOREIGN KEY (model_id) REFERENCES model (id) ON DELETE SET NULL;
ALTER TABLE model ADD CONSTRAINT model_job_fk
    FOREIGN KEY (job_id) REFERENCES job (id) ON DELETE SET NULL;
