package dev.attune.job;

import dev.attune.training.FineTuneRequest;
import dev.attune.training.TrainingOptions;

/**
 * The complete configuration of a job, defaults filled in, as stored and shown.
 *
 * @param datasetId the training data set
 * @param baseModel a registered model id, a path under the import roots, or a Hub id
 * @param validationDatasetId an explicit validation data set; null: a stratified split of the training set
 * @param testDatasetId a data set scored with the best weights at the end; null: none
 * @param name a display name
 * @param priority higher runs first; equal priorities in submission order
 * @param options every training option
 */
record JobConfig(String datasetId, String baseModel, String validationDatasetId, String testDatasetId, String name,
        int priority, TrainingOptions options) {

    FineTuneRequest fineTuneRequest() {
        return new FineTuneRequest(datasetId, baseModel, validationDatasetId, testDatasetId, name, options);
    }
}
