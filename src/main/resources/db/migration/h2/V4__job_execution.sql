-- Job execution state (issue 5): what ran, how far it got, how it ended.
ALTER TABLE job ADD COLUMN name           VARCHAR(255);
ALTER TABLE job ADD COLUMN base_model     VARCHAR(1024) NOT NULL DEFAULT '';
ALTER TABLE job ADD COLUMN priority       INT NOT NULL DEFAULT 0;
ALTER TABLE job ADD COLUMN started_at     TIMESTAMP WITH TIME ZONE;
ALTER TABLE job ADD COLUMN finished_at    TIMESTAMP WITH TIME ZONE;
ALTER TABLE job ADD COLUMN progress       CLOB;
ALTER TABLE job ADD COLUMN latest_metrics CLOB;
ALTER TABLE job ADD COLUMN best_metrics   CLOB;
ALTER TABLE job ADD COLUMN model_id       VARCHAR(36);
ALTER TABLE job ADD COLUMN error_type     VARCHAR(64);
ALTER TABLE job ADD COLUMN error_message  CLOB;
ALTER TABLE job ADD COLUMN attempts       INT NOT NULL DEFAULT 0;

CREATE INDEX job_queue ON job (status, priority, created_at);

-- Every evaluation point of a job, for plotting; a job restarted after a crash keeps its earlier
-- attempts' points under their attempt number.
CREATE TABLE job_metric (
    job_id      VARCHAR(36) NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    attempt     INT         NOT NULL,
    step        BIGINT      NOT NULL,
    epoch       DOUBLE      NOT NULL,
    train_loss  DOUBLE      NOT NULL,
    metrics     CLOB        NOT NULL,
    is_best     BOOLEAN     NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (job_id, attempt, step)
);
