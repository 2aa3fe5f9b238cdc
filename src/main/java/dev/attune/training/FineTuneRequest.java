package dev.attune.training;

/**
 * What to fine-tune: a training data set, a base model (a registered model id, a path under the
 * import roots, or a Hub id), optional validation and test data sets, and the options.
 */
public record FineTuneRequest(String datasetId, String baseModel, String validationDatasetId, String testDatasetId,
        String name, TrainingOptions options) {
}
