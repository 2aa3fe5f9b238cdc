package dev.attune.job;

import dev.attune.training.FineTuneRequest;
import dev.attune.training.TrainingOptions;

/** The complete, defaulted configuration of a job, as stored in its config column and shown by the API. */
record JobConfig(String datasetId, String baseModel, String validationDatasetId, String testDatasetId, String name,
        int priority, TrainingOptions options) {

    FineTuneRequest fineTuneRequest() {
        return new FineTuneRequest(datasetId, baseModel, validationDatasetId, testDatasetId, name, options);
    }
}
