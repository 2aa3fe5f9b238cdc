-- Label audits (issue 33): an audit of a data set's labels, its fold jobs (ordinary jobs of kind audit_fold), the
-- out-of-fold probabilities each fold job stored under its lease, and the suspects confident learning found. An
-- audit goes with its data set.
CREATE TABLE audit (
    id           VARCHAR(36)      PRIMARY KEY,
    dataset_id   VARCHAR(36)      NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    name         VARCHAR(255)     NOT NULL,
    status       VARCHAR(16)      NOT NULL,
    folds        INT              NOT NULL,
    rank_by      VARCHAR(32)      NOT NULL,
    class_labels VARCHAR(100000)  NOT NULL,
    training     VARCHAR(1000000) NOT NULL,
    result       VARCHAR(1000000),
    error        VARCHAR(4000),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE,
    submitted_by VARCHAR(255)
);
CREATE INDEX audit_dataset ON audit (dataset_id, created_at);

CREATE TABLE audit_fold (
    audit_id VARCHAR(36) NOT NULL REFERENCES audit (id) ON DELETE CASCADE,
    fold     INT         NOT NULL,
    job_id   VARCHAR(36) NOT NULL,
    PRIMARY KEY (audit_id, fold)
);
CREATE INDEX audit_fold_job ON audit_fold (job_id);

CREATE TABLE audit_prediction (
    audit_id  VARCHAR(36)    NOT NULL REFERENCES audit (id) ON DELETE CASCADE,
    row_index INT            NOT NULL,
    fold      INT            NOT NULL,
    probs     VARCHAR(100000) NOT NULL,
    PRIMARY KEY (audit_id, row_index)
);

CREATE TABLE audit_suspect (
    audit_id          VARCHAR(36)       NOT NULL REFERENCES audit (id) ON DELETE CASCADE,
    suspect_rank      INT               NOT NULL,
    row_index         INT               NOT NULL,
    row_text          VARCHAR(1048576)  NOT NULL,
    row_text_pair     VARCHAR(1048576),
    given_label       VARCHAR(256)      NOT NULL,
    suggested_label   VARCHAR(256)      NOT NULL,
    self_confidence   DOUBLE PRECISION  NOT NULL,
    normalized_margin DOUBLE PRECISION  NOT NULL,
    PRIMARY KEY (audit_id, suspect_rank)
);
