package dev.attune.batch;

import java.io.IOException;

import ai.djl.Device;

import dev.attune.job.Job;
import dev.attune.job.JobHandler;
import dev.attune.job.JobKind;
import dev.attune.job.JobLease;
import dev.attune.job.JobRunListener;
import dev.attune.scoring.BatchScorer;
import dev.attune.scoring.ScoringOutcome;

import org.springframework.stereotype.Component;

/**
 * Runs a batch prediction (a scoring job): scores its data set into its results file, then (select) picks the rows
 * to label next; its summary goes where test figures go. It registers no model.
 */
@Component
class BatchPredictionHandler implements JobHandler {

    private final BatchScorer scorer;
    private final BatchResults batchResults;
    private final BatchSelections selections;

    BatchPredictionHandler(BatchScorer scorer, BatchResults batchResults, BatchSelections selections) {
        this.scorer = scorer;
        this.batchResults = batchResults;
        this.selections = selections;
    }

    @Override
    public JobKind kind() {
        return BatchPredictionSpec.KIND;
    }

    @Override
    public String run(JobLease lease, Job job, Device device, JobRunListener listener) throws IOException {
        BatchPredictionSpec spec = job.spec(BatchPredictionSpec.class);
        ScoringOutcome scored = scorer.run(spec.datasetId(), spec.scoring().modelId(), spec.scoring().longText(),
                batchResults.target(lease), listener); // each chunk committed under the lease
        BatchOutcome.Selected selected = null;
        if (spec.select() != null) { // from the committed rows: a resumed run's earlier rows included
            Selection select = spec.select();
            selected = selections.select(job.id(), select);
            listener.log("selected %d rows to label by %s%s".formatted(selected.rows(), select.strategy().id(),
                    select.strategy() == SelectionStrategy.RANDOM ? " (seed " + select.seed() + ")" : ""));
        }
        listener.recordResult(BatchOutcome.of(scored, selected)); // under the lease: names this run's selection
        listener.log("succeeded: " + scored.rows() + " rows scored");
        return null;
    }
}
