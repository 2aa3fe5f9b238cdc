package dev.attune.explain;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Why the model answered as it did for one text: each word's integrated-gradients attribution toward one output.
 *
 * @param label the label whose logit is explained (the predicted one unless the request named another); "value" for a
 *     regression model, whose predicted value is explained
 * @param words every word the model read, in order, with its attribution (the sum of its subword tokens'): positive
 *     pushed the output up, negative down; special tokens are not words and carry none
 * @param logit the explained output (the label's logit before calibration, or the value) for the text
 * @param baselineLogit the same output for the baseline: the text's special tokens around padding tokens
 * @param logitDifference logit − baselineLogit: what the attributions share out
 * @param completenessError |sum of the attributions − logitDifference|: how far the integral's approximation at these
 *     steps is off (more steps make it smaller)
 * @param steps points on the straight path from the baseline to the text (trapezoid rule)
 * @param truncated whether part of the text went unread (beyond maxLength tokens): its words are absent
 */
public record Explanation(String label, List<WordAttribution> words, double logit, double baselineLogit,
        double logitDifference, double completenessError, int steps, boolean truncated) {

    /**
     * One word's share of the explained output.
     *
     * @param word the word as it appears in the text
     * @param start where it starts in the text as sent (for a pair, in the text {@code inPair} names), a UTF-16 index (Java's and JavaScript's string index)
     * @param end where it ends (exclusive): text.substring(start, end) is the word
     * @param attribution its integrated gradient summed over its tokens and the embedding dimensions
     * @param inPair sentence pairs only: true when the word is in the second text ("textPair", or a pair's second
     *     entry), whose characters start and end index; false in the first; absent for single texts
     */
    public record WordAttribution(String word, int start, int end, double attribution,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean inPair) {
    }
}
