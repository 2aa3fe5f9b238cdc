-- Temperature scaling fitted after training (issue 22): {temperature | temperatures, eceBefore, eceAfter} as JSON;
-- null for imports without one and regressions.
ALTER TABLE model ADD COLUMN calibration VARCHAR(8000);
