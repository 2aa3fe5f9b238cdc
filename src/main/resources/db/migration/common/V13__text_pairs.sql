-- Sentence pairs (issue 24): a data set's second text column (null: single texts), and whether a model
-- classifies text pairs (its /predict then takes textPair).
ALTER TABLE dataset ADD COLUMN text_pair_column VARCHAR(255);
ALTER TABLE model ADD COLUMN text_pair BOOLEAN DEFAULT FALSE NOT NULL;
