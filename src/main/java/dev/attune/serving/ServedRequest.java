package dev.attune.serving;

import java.time.Instant;
import java.util.List;

/**
 * What one predict request served, handed to every {@link ServedRequestObserver} after the answer is made
 * (monitoring, the request log, feedback).
 *
 * @param requestId the caller's X-Request-Id, else the id generated for the answer (its "requestId")
 * @param deployment the deployment that routed it; null when the request named a model or none exists
 * @param modelId the model that answered
 * @param at when the answer was made
 * @param nanos how long the request took, from its arrival to its answer
 * @param texts each text with its answer, in the order sent
 * @param maxLength the tokens the model reads per text (per window)
 */
public record ServedRequest(String requestId, String deployment, String modelId, Instant at, long nanos,
        List<ServedText> texts, int maxLength) {

    /**
     * One text and its answer.
     *
     * @param text the text as sent
     * @param textPair its pair (sentence-pair models); null for a single text
     * @param prediction the answer
     * @param tokens the tokens it was read as (every window's, special tokens included)
     * @param unknownTokens how many of them were the tokenizer's unknown token
     */
    public record ServedText(String text, String textPair, Prediction prediction, int tokens, int unknownTokens) {
    }
}
