-- What to label next (issue 33): a data set may have no labels (rows to score and select from, label_column
-- NULL), and a data set may be the next version of another (its parent's rows plus newly labelled ones).
-- Deleting a parent keeps its versions (their rows are their own; the reference becomes NULL, the version stays).
ALTER TABLE dataset ALTER COLUMN label_column DROP NOT NULL;
ALTER TABLE dataset ADD COLUMN parent_id VARCHAR(36);
ALTER TABLE dataset ADD COLUMN version INT DEFAULT 1 NOT NULL;
ALTER TABLE dataset ADD COLUMN duplicate_rows INT DEFAULT 0 NOT NULL;
ALTER TABLE dataset ADD CONSTRAINT dataset_parent_fk
    FOREIGN KEY (parent_id) REFERENCES dataset (id) ON DELETE SET NULL;
