-- The name of the API key that submitted a job (null when API keys are off).
ALTER TABLE job ADD COLUMN submitted_by VARCHAR(255);
