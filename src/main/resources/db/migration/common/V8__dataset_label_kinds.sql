-- Multi-label rows and numeric (regression) label columns (issue 11).
ALTER TABLE dataset ADD COLUMN multi_label_rows INT NOT NULL DEFAULT 0;
ALTER TABLE dataset ADD COLUMN label_delimiter VARCHAR(8);
ALTER TABLE dataset ADD COLUMN numeric_min DOUBLE PRECISION;
ALTER TABLE dataset ADD COLUMN numeric_max DOUBLE PRECISION;
ALTER TABLE dataset ADD COLUMN numeric_mean DOUBLE PRECISION;
ALTER TABLE dataset ADD COLUMN numeric_integers BOOLEAN;
