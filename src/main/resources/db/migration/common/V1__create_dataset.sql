CREATE TABLE dataset (
    id            VARCHAR(36)   PRIMARY KEY,
    name          VARCHAR(255)  NOT NULL,
    format        VARCHAR(16)   NOT NULL,
    text_column   VARCHAR(255)  NOT NULL,
    label_column  VARCHAR(255)  NOT NULL,
    row_count     INT           NOT NULL,
    skipped_rows  INT           NOT NULL,
    size_bytes    BIGINT        NOT NULL,
    file_name     VARCHAR(255)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE dataset_label (
    dataset_id  VARCHAR(36)  NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    label       VARCHAR(1024) NOT NULL,
    row_count   INT          NOT NULL,
    PRIMARY KEY (dataset_id, label)
);
