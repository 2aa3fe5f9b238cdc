package dev.attune.batch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.attune.job.JobKind;
import dev.attune.job.JobSpec;

/**
 * What a batch prediction asks, as its job stores it. Batch predictions stored when every job had a fine-tuning
 * config carry its other fields too (baseModel, options...), which are ignored.
 *
 * @param datasetId the data set whose rows are scored
 * @param name a display name
 * @param priority higher runs first; equal priorities in submission order
 * @param scoring the model that scores, the deployment it was named through, the long-text rule
 * @param select the rows to select for labelling once every row is scored; null: none (and in batch predictions
 *     stored before selections)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@io.swagger.v3.oas.annotations.media.Schema(name = "BatchPredictionConfig")
public record BatchPredictionSpec(String datasetId, String name, int priority, BatchScoring scoring,
        @JsonInclude(JsonInclude.Include.NON_NULL) Selection select) implements JobSpec {

    /** Batch predictions: {@code scoring}, the kind id V20's migration gave them. */
    public static final JobKind KIND = new JobKind("scoring", BatchPredictionSpec.class);

    @Override
    public JobKind kind() {
        return KIND;
    }

    @Override
    public Inputs inputs() {
        return new Inputs(datasetId, null, null, scoring.modelId());
    }
}
