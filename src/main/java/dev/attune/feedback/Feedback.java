package dev.attune.feedback;

import java.time.Instant;
import java.util.List;

/**
 * One correction as stored.
 *
 * @param requestId the logged request it names; null for feedback sent with its text
 * @param index which text of that request; null with requestId
 * @param deployment the deployment that routed the answer; null when none did or it is not known
 * @param modelId the model whose answer it corrects
 * @param predicted what the model answered; null when not known (feedback by text without it)
 * @param labels the true labels
 * @param correct whether the answer was right (the same labels); null when the answer is not known
 * @param text the text, from the request log (when it kept texts) or the feedback; null when neither had it
 * @param textPair the text's pair for a sentence-pair model
 * @param servedAt when the answer was made (for feedback by text, when the feedback came)
 */
record Feedback(String requestId, Integer index, String deployment, String modelId, List<String> predicted,
        List<String> labels, Boolean correct, String text, String textPair, Instant servedAt) {
}
