package dev.attune.serving;

import java.util.List;

/**
 * The answer to a predict request.
 *
 * @param model the id of the model that answered
 * @param maxLength the model's token limit: longer texts were truncated
 * @param predictions one per text, in the order sent
 */
record PredictResponse(String model, int maxLength, List<Prediction> predictions) {
}
