package dev.attune.job;

import java.io.IOException;

import ai.djl.Device;

import dev.attune.scoring.BatchScorer;
import dev.attune.scoring.ScoringOutcome;

import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs a batch prediction (a scoring job): scores its data set into its results file; its summary goes where test
 * figures go. It registers no model.
 */
@Component
class BatchPredictionHandler implements JobHandler {

    private final BatchScorer scorer;
    private final BatchResults batchResults;
    private final JobRepository repository;
    private final ObjectMapper mapper;

    BatchPredictionHandler(BatchScorer scorer, BatchResults batchResults, JobRepository repository,
            ObjectMapper mapper) {
        this.scorer = scorer;
        this.batchResults = batchResults;
        this.repository = repository;
        this.mapper = mapper;
    }

    @Override
    public JobKind kind() {
        return JobKind.SCORING;
    }

    @Override
    public String run(JobLease lease, Job job, Device device, JobRunListener listener) throws IOException {
        JobConfig config = job.config();
        ScoringOutcome scored = scorer.run(config.datasetId(), config.scoring().modelId(), config.scoring().longText(),
                batchResults.target(lease), listener); // each chunk committed under the lease
        repository.recordTestMetrics(job.id(), lease.owner(), mapper.writeValueAsString(scored));
        listener.log("succeeded: " + scored.rows() + " rows scored");
        return null;
    }
}
