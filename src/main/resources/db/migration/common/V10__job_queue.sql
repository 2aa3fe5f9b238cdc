-- The job table is the queue of every node sharing this database (issue 10). A worker claims a QUEUED job
-- with SELECT ... FOR UPDATE SKIP LOCKED and holds a lease on it that it renews while the job runs; a
-- lease that expired means its node died, and another worker takes the job over.
ALTER TABLE job ADD COLUMN node VARCHAR(255);
ALTER TABLE job ADD COLUMN device VARCHAR(32);
ALTER TABLE job ADD COLUMN lease_owner VARCHAR(128);
ALTER TABLE job ADD COLUMN lease_expires_at TIMESTAMP WITH TIME ZONE;
-- A cancel asked on any node; the running job's worker sees it when it renews its lease.
ALTER TABLE job ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE;

-- Every node that has started against this database, and when it was last heard from.
CREATE TABLE node (
    name        VARCHAR(255) PRIMARY KEY,
    roles       VARCHAR(64)  NOT NULL,
    devices     VARCHAR(255) NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    seen_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
