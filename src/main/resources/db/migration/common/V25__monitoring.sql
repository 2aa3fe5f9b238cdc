-- What each node served per deployment, model and minute: one row per figure and bin (monitoring).
-- Each node adds only to its own rows (node is in the key), so the flush's update-then-insert never races
-- another node; a read sums the nodes. Rows older than attune.monitoring.retention are deleted.
CREATE TABLE monitoring_counts (
    node         VARCHAR(255) NOT NULL,
    deployment   VARCHAR(64)  NOT NULL,
    model_id     VARCHAR(36)  NOT NULL,
    bucket_start TIMESTAMP WITH TIME ZONE NOT NULL,
    figure       VARCHAR(32)  NOT NULL,
    bin          VARCHAR(255) NOT NULL,
    counted      BIGINT       NOT NULL,
    PRIMARY KEY (node, deployment, model_id, bucket_start, figure, bin)
);
CREATE INDEX monitoring_counts_by_deployment ON monitoring_counts (deployment, bucket_start);
CREATE INDEX monitoring_counts_by_model ON monitoring_counts (model_id, bucket_start);
CREATE INDEX monitoring_counts_by_time ON monitoring_counts (bucket_start);
