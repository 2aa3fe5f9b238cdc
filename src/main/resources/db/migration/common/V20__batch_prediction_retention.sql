-- Batch predictions (issue 31). kind tells them from fine-tuning jobs (listed apart, cleaned up apart; earlier
-- ones are recognised by their configuration). results_parts is the job's committed results: the runs' result
-- files and how many lines of each are the job's, written only under the job's lease, so lines a worker wrote
-- after it lost the job are never read. delete_requested: a DELETE of a running one; it is removed once ended.
ALTER TABLE job ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'training';
UPDATE job SET kind = 'scoring' WHERE config LIKE '%"scoring":{%';
ALTER TABLE job ADD COLUMN results_parts VARCHAR(100000);
ALTER TABLE job ADD COLUMN delete_requested BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX job_kind_created ON job (kind, created_at);
