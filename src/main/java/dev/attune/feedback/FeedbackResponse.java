package dev.attune.feedback;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One stored correction.
 *
 * @param requestId the answer's requestId; absent for feedback sent with its text
 * @param index which text of that request; absent for feedback sent with its text
 * @param model the model whose answer it corrects
 * @param deployment the deployment that routed the answer; absent when none did or it is not known
 * @param predictedLabels what the model answered; absent when not known (then it counts in no accuracy)
 * @param labels the true labels
 * @param correct whether the answer had the true labels; absent when the answer is not known
 * @param hasText whether its text is known (from the request log or the feedback): only such feedback becomes a
 *     data set's row
 * @param replaced whether it replaced earlier feedback on the same request and text (the latest counts)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record FeedbackResponse(String requestId, Integer index, String model, String deployment, List<String> predictedLabels,
        List<String> labels, Boolean correct, boolean hasText, boolean replaced) {

    static FeedbackResponse of(Feedback feedback, boolean replaced) {
        return new FeedbackResponse(feedback.requestId(), feedback.index(), feedback.modelId(), feedback.deployment(),
                feedback.predicted(), feedback.labels(), feedback.correct(), feedback.text() != null, replaced);
    }

    /**
     * A batch's outcome.
     *
     * @param count the corrections stored
     * @param replaced how many of them replaced earlier feedback
     * @param items each one, in the order sent
     */
    record Batch(int count, int replaced, List<FeedbackResponse> items) {
    }
}
