-- Sweeps driven by events (issue 31). submitted_by: the API key that created it, whose name the trials it queues
-- later and the deployment it makes carry; dataset_id, validation_dataset_id, test_dataset_id, base_model: what
-- its trials read (a running sweep protects them from deletion, as a queued job does); deploy_error: why the
-- deployment asked for at its end failed. A rung's loss and the time it was reached break ties in successive
-- halving.
ALTER TABLE sweep ADD COLUMN submitted_by VARCHAR(255);
ALTER TABLE sweep ADD COLUMN dataset_id VARCHAR(36);
ALTER TABLE sweep ADD COLUMN validation_dataset_id VARCHAR(36);
ALTER TABLE sweep ADD COLUMN test_dataset_id VARCHAR(36);
ALTER TABLE sweep ADD COLUMN base_model VARCHAR(1024);
ALTER TABLE sweep ADD COLUMN deploy_error VARCHAR(4000);
ALTER TABLE sweep_rung ADD COLUMN loss DOUBLE PRECISION;
ALTER TABLE sweep_rung ADD COLUMN reached_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX sweep_status_idx ON sweep (status);
CREATE INDEX job_sweep_idx ON job (sweep_id);
