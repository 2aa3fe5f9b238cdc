package dev.attune.feedback;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * One correction: which answer (a logged request, or a text with the model or deployment that answered it) and its
 * true label(s). Checked by {@link FeedbackService}, which lists every problem of a batch at once.
 *
 * @param requestId the answer's requestId (its X-Request-Id); the request log must have kept it
 * @param index with requestId: which text of that request, from 0 (default 0)
 * @param text instead of requestId: the text that was classified
 * @param textPair with text, for a sentence-pair model: the text's pair
 * @param model with text: the id of the model whose answer this corrects
 * @param deployment with text, instead of model: the deployment whose (current) model answered
 * @param predictedLabel with text: the label the model answered (without it, or predictedLabels, the feedback is a
 *     labelled row for data sets but counts in no accuracy)
 * @param predictedLabels with text, for a multi-label model: the labels the model answered
 * @param label the true label (one of the model's labels)
 * @param labels instead of label, for a multi-label model: every true label
 */
@Schema(example = "{\"requestId\": \"3f2b8c1e-5d7a-4e9b-8c2d-1a2b3c4d5e6f\", \"label\": \"negative\"}")
record FeedbackRequest(
        @Schema(example = "3f2b8c1e-5d7a-4e9b-8c2d-1a2b3c4d5e6f") String requestId,
        @Schema(example = "0", defaultValue = "0") Integer index,
        @Schema(example = "a gorgeous, witty, seductive movie") String text,
        String textPair,
        String model,
        @Schema(example = "default") String deployment,
        @Schema(example = "positive") String predictedLabel,
        List<String> predictedLabels,
        @Schema(example = "negative") String label,
        List<String> labels) {

    /** The true labels sent, whichever field held them; empty when neither did. */
    List<String> trueLabels() {
        return label != null ? List.of(label) : labels == null ? List.of() : labels;
    }

    /** The labels the caller says the model answered; null when it did not say. */
    List<String> saidPredicted() {
        return predictedLabel != null ? List.of(predictedLabel) : predictedLabels;
    }
}
