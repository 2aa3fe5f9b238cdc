-- Sweeps across a crash (issue 31). deploy_pending: the sweep ended SUCCEEDED and its deployment is still to be
-- made; set in the same update that ends the sweep, cleared once the deployment was made (or its error recorded),
-- so a node that dies in between leaves the work to every node's reconciler. halted_at_rung: successive halving
-- stopped this trial after that rung; recorded before the worker learns it, so a trial resumed after a crash
-- (before its STOPPED was written) stops again instead of being judged anew.
ALTER TABLE sweep ADD COLUMN deploy_pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sweep_trial ADD COLUMN halted_at_rung INTEGER;
