package dev.attune.batch;

import dev.attune.modeling.LongText;

/**
 * What makes a job a batch-scoring one: the model that scores the job's data set, the deployment it was
 * named through (if any), and the long-text rule for this run.
 *
 * @param modelId the model, fixed at submission (a deployment's model then)
 * @param deployment the deployment the request named; null when it named the model
 * @param longText how long texts are read; null: as the model was trained
 */
public record BatchScoring(String modelId, String deployment, LongText longText) {
}
