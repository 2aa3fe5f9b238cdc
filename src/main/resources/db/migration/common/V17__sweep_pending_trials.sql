-- A sweep with maxParallel queues only that many trials at once (issue 25): the others wait here with their
-- resolved job configuration and no job yet; an ending trial queues the next.
ALTER TABLE sweep_trial ALTER COLUMN job_id DROP NOT NULL;
ALTER TABLE sweep_trial ADD COLUMN config VARCHAR(1000000);
