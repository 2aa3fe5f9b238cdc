package dev.attune.feedback;

import java.time.Instant;
import java.util.List;

/**
 * One text of a logged predict request, as the request log stores it.
 *
 * @param requestId the answer's requestId
 * @param index which text of the request, from 0
 * @param deployment the deployment that routed it; null when none did
 * @param modelId the model that answered
 * @param predicted the labels answered (one for a single-label model, those over their threshold for a multi-label
 *     one); null for a regression model
 * @param score the answered label's probability, or a regression model's value
 * @param text the text; null unless attune.feedback.request-log.store-texts was on
 * @param textPair its pair (sentence-pair models); null when the text is not kept or there is none
 * @param servedAt when it was answered
 */
record LoggedRequest(String requestId, int index, String deployment, String modelId, List<String> predicted,
        double score, String text, String textPair, Instant servedAt) {
}
