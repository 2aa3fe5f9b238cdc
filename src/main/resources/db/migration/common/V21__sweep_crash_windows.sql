-- Sweeps across a crash (issue 31). deploy_pending: the sweep ended SUCCEEDED and its deployment is still to be
-- made; set in the same update that ends the sweep, with a claim (deploy_claimed_until) held by the node ending
-- it; cleared once the deployment was made (or its error recorded). A node that dies in between leaves the work to
-- any node's reconciler once the claim lapsed. sweep_rung.continued: successive halving's judgement at that rung
-- (null: not judged), recorded before the worker learns it, so a trial resumed after a crash keeps the judgement
-- it got: it stops again where it was stopped, and is not stopped where it was let through.
ALTER TABLE sweep ADD COLUMN deploy_pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sweep ADD COLUMN deploy_claimed_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE sweep_rung ADD COLUMN continued BOOLEAN;
