-- What a model's outputs mean (issue 11); every model registered before had one label per text.
ALTER TABLE model ADD COLUMN problem_type VARCHAR(32) NOT NULL DEFAULT 'single_label_classification';
