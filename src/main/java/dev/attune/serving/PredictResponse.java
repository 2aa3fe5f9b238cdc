package dev.attune.serving;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer to a predict request.
 *
 * @param requestId the request's id: the caller's X-Request-Id, else one made for this answer (feedback names it)
 * @param model the id of the model that answered
 * @param deployment the deployment that routed the request to it; absent when the request named a model or
 *     there is no deployment
 * @param maxLength the model's token limit: longer texts were truncated
 * @param predictions one per text, in the order sent
 */
record PredictResponse(String requestId, String model, @JsonInclude(JsonInclude.Include.NON_NULL) String deployment, int maxLength,
        List<Prediction> predictions) {
}
