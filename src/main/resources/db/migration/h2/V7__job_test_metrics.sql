-- The test data set's figures with the best weights (testDatasetId), on the job as on its model.
ALTER TABLE job ADD COLUMN test_metrics CLOB;
