package dev.attune.serving;

import java.util.List;

import dev.attune.errors.TooLarge;
import dev.attune.modeling.TextEncoder;
import dev.attune.modeling.TooManyWindowsException;
import dev.attune.modeling.WindowRule;

/**
 * The most work one predict request may ask for: windows per long text and tokens in all (attune.predict.
 * max-windows-per-text, max-tokens-per-request). Beyond either, a 413 naming the limit and its setting, before any
 * forward pass: one request must not take the machine's memory or hold the model for minutes.
 */
record RequestLimits(int maxWindowsPerText, int maxTokensPerRequest) {

    /** The request's texts as windows, refused when they exceed a limit. */
    List<List<TextEncoder.Tokens>> windows(TextEncoder encoder, List<String> texts, List<String> pairs, int maxLength,
            WindowRule rule) {
        List<List<TextEncoder.Tokens>> windows;
        try {
            windows = encoder.windows(texts, pairs, maxLength, rule.rule(), rule.strideFor(maxLength), maxWindowsPerText);
        } catch (TooManyWindowsException e) {
            throw new TooLarge("Text too long to read in windows", "Text " + e.textIndex() + " would be read in "
                    + "at least " + e.windows() + " windows of " + maxLength + " tokens, " + rule.strideFor(maxLength) + " apart; at "
                    + "most " + e.limit() + " per text (attune.predict.max-windows-per-text). Send a shorter text, or "
                    + "\"longText\": \"truncate\" or \"head_tail\".");
        }
        long tokens = windows.stream().flatMap(List::stream).mapToLong(window -> window.ids().length).sum();
        if (tokens > maxTokensPerRequest) {
            throw new TooLarge("Too many tokens", "The request's texts come to " + tokens + " tokens; at most "
                    + maxTokensPerRequest + " per request (attune.predict.max-tokens-per-request). Split it into "
                    + "smaller requests.");
        }
        return windows;
    }
}
