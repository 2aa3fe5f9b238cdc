-- The model an operator promoted to serve /predict (the newest promotion wins).
ALTER TABLE model ADD COLUMN promoted_at TIMESTAMP WITH TIME ZONE;
