-- Feedback (issue 34): the sampled log of served requests (one row per text; the text itself only when
-- attune.feedback.request-log.store-texts is on), and the true labels callers send back, each naming a logged
-- request (request_id, text_index) or carrying its own text; served_at is the answer's time (the feedback's own
-- for feedback by text), which accuracy's "since" reads. Neither references the model: accuracy history
-- outlives a deleted model, and the log is purged by age alone.
CREATE TABLE served_request (
    request_id    VARCHAR(255)     NOT NULL,
    text_index    INT              NOT NULL,
    deployment    VARCHAR(64),
    model_id      VARCHAR(36)      NOT NULL,
    predicted     VARCHAR(100000),
    score         DOUBLE PRECISION NOT NULL,
    text          VARCHAR(1048576),
    text_pair     VARCHAR(1048576),
    served_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (request_id, text_index)
);
CREATE INDEX served_request_age ON served_request (served_at);

CREATE TABLE feedback (
    id           VARCHAR(36)      PRIMARY KEY,
    request_id   VARCHAR(255),
    text_index   INT,
    deployment   VARCHAR(64),
    model_id     VARCHAR(36)      NOT NULL,
    predicted    VARCHAR(100000),
    labels       VARCHAR(100000)  NOT NULL,
    correct      BOOLEAN,
    text         VARCHAR(1048576),
    text_pair    VARCHAR(1048576),
    served_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    submitted_by VARCHAR(255),
    CONSTRAINT feedback_request UNIQUE (request_id, text_index)
);
CREATE INDEX feedback_model ON feedback (model_id, served_at);
CREATE INDEX feedback_deployment ON feedback (deployment, served_at);
