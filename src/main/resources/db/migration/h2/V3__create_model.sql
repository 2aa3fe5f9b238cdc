-- Registered classifiers: imported checkpoints and (issue 4) fine-tuned results. Each one's files
-- live in <data-dir>/models/<id>/ as a Hugging Face checkpoint.
CREATE TABLE model (
    id            VARCHAR(36)   PRIMARY KEY,
    name          VARCHAR(255)  NOT NULL,
    architecture  VARCHAR(32)   NOT NULL,
    labels        CLOB          NOT NULL,
    source        VARCHAR(1024) NOT NULL,
    origin        VARCHAR(16)   NOT NULL,
    job_id        VARCHAR(36),
    metrics       CLOB,
    max_length    INT           NOT NULL,
    parameters    BIGINT        NOT NULL,
    size_bytes    BIGINT        NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
