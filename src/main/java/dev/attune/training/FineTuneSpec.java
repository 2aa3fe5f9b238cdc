package dev.attune.training;

/**
 * What one run trains on and how, every default resolved when the job was submitted.
 *
 * @param datasetId the training data set
 * @param validationDatasetId an explicit validation data set; null: a stratified split of the training set
 * @param testDatasetId a data set scored with the best weights at the end; null: none
 * @param options every training option, resolved ({@link TrainingOptions#withDefaults})
 */
public record FineTuneSpec(String datasetId, String validationDatasetId, String testDatasetId,
        TrainingOptions options) {
}
