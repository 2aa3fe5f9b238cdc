-- Hyperparameter sweeps (issue 25): a sweep's request, its trials (ordinary jobs, each with the option values it
-- tries), and each trial's score at each evaluation (the rungs successive halving decides at).
CREATE TABLE sweep (
    id          VARCHAR(36)     PRIMARY KEY,
    name        VARCHAR(255)    NOT NULL,
    spec        VARCHAR(1000000) NOT NULL,
    status      VARCHAR(16)     NOT NULL,
    best_job_id VARCHAR(36),
    model_id    VARCHAR(36),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at TIMESTAMP WITH TIME ZONE
);

ALTER TABLE job ADD COLUMN sweep_id VARCHAR(36) REFERENCES sweep (id);

CREATE TABLE sweep_trial (
    sweep_id    VARCHAR(36)     NOT NULL REFERENCES sweep (id) ON DELETE CASCADE,
    trial       INT             NOT NULL,
    job_id      VARCHAR(36)     NOT NULL,
    options     VARCHAR(100000) NOT NULL,
    PRIMARY KEY (sweep_id, trial)
);

CREATE TABLE sweep_rung (
    sweep_id    VARCHAR(36)     NOT NULL REFERENCES sweep (id) ON DELETE CASCADE,
    job_id      VARCHAR(36)     NOT NULL,
    rung        INT             NOT NULL,
    score       DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (sweep_id, job_id, rung)
);
