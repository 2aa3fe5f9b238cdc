-- Fine-tuning jobs (issue 5 owns this table). Data sets in use by a QUEUED or RUNNING job
-- cannot be deleted, hence the three data-set references here from the start.
CREATE TABLE job (
    id                     VARCHAR(36)  PRIMARY KEY,
    status                 VARCHAR(16)  NOT NULL,
    dataset_id             VARCHAR(36)  NOT NULL,
    validation_dataset_id  VARCHAR(36),
    test_dataset_id        VARCHAR(36),
    config                 CLOB         NOT NULL,
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX job_status ON job (status);
