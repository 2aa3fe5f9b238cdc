package dev.attune.job;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What a job asks, as its kind defines it (a fine-tuning config, a batch prediction's): stored as JSON in the job's
 * row and read back as {@link JobKind#specType()}. The queue needs only a name, a priority, and what the job reads.
 */
public interface JobSpec {

    /** A display name. */
    String name();

    /** Higher runs first; equal priorities in submission order. */
    int priority();

    /** The kind of job this spec makes. */
    @JsonIgnore
    JobKind kind();

    /** What the job reads: stored in its row, where the data-set and model registries ask who still needs what. */
    @JsonIgnore
    Inputs inputs();

    /**
     * @param datasetId the data set the job reads
     * @param validationDatasetId a second data set it reads; null: none
     * @param testDatasetId a third; null: none
     * @param model the model it starts from or scores with, as its reference text (a registered id, a path, a Hub id)
     */
    record Inputs(String datasetId, String validationDatasetId, String testDatasetId, String model) {
    }
}
