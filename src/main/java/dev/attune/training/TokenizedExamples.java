package dev.attune.training;

import java.util.ArrayList;
import java.util.List;

import dev.attune.modeling.EncodedBatch;
import dev.attune.modeling.LongText;
import dev.attune.modeling.TextEncoder;

/**
 * Examples tokenised once, so every epoch only pads and batches ids. Sentence pairs keep their token types
 * (BERT's segment ids); single texts need none (all 0).
 */
public final class TokenizedExamples {

    private static final int CHUNK = 1024;

    private final List<TextEncoder.Tokens> tokens;
    private final Targets targets;
    private final long padId;

    /** For windows of texts ({@link #windowsOf}): where each text's windows start, and the end (texts + 1); else null. */
    private final int[] windowStarts;

    private TokenizedExamples(List<TextEncoder.Tokens> tokens, Targets targets, long padId, int[] windowStarts) {
        this.tokens = tokens;
        this.targets = targets;
        this.padId = padId;
        this.windowStarts = windowStarts;
    }

    public static TokenizedExamples of(List<Example> examples, TextEncoder encoder, int maxLength, long padId) {
        return of(examples, encoder, maxLength, padId, LongText.TRUNCATE);
    }

    /**
     * As {@link #of(List, TextEncoder, int, long)}; {@code head_tail} keeps each long text's head and tail,
     * the other rules its first maxLength tokens (sliding windows are for scoring: {@link WindowedScoring}).
     */
    public static TokenizedExamples of(List<Example> examples, TextEncoder encoder, int maxLength, long padId,
            LongText rule) {
        List<TextEncoder.Tokens> tokens = new ArrayList<>(examples.size());
        boolean pairs = !examples.isEmpty() && examples.get(0).textPair() != null;
        for (int start = 0; start < examples.size(); start += CHUNK) {
            List<Example> chunk = examples.subList(start, Math.min(examples.size(), start + CHUNK));
            List<String> texts = chunk.stream().map(Example::text).toList();
            List<String> second = pairs ? chunk.stream().map(Example::textPair).toList() : null;
            List<TextEncoder.Tokens> encoded = rule == LongText.HEAD_TAIL
                    ? encoder.windows(texts, second, maxLength, rule, 0).stream().map(w -> w.get(0)).toList()
                    : encoder.tokens(texts, second, maxLength);
            for (TextEncoder.Tokens text : encoded) {
                tokens.add(pairs ? text : new TextEncoder.Tokens(text.ids(), NO_TYPES, text.truncated()));
            }
        }
        return new TokenizedExamples(tokens, Targets.of(examples), padId, null);
    }

    /**
     * Training examples for a sliding-window model: every window of a long text is an example with that text's
     * target (a review's verdict may sit in any of them), a short text one example as usual.
     */
    public static TokenizedExamples windowsOf(List<Example> examples, TextEncoder encoder, int maxLength, long padId,
            int stride) {
        List<TextEncoder.Tokens> tokens = new ArrayList<>(examples.size());
        List<Example> targets = new ArrayList<>(examples.size());
        int[] starts = new int[examples.size() + 1];
        boolean pairs = !examples.isEmpty() && examples.get(0).textPair() != null;
        for (int start = 0; start < examples.size(); start += CHUNK) {
            List<Example> chunk = examples.subList(start, Math.min(examples.size(), start + CHUNK));
            List<List<TextEncoder.Tokens>> windows = encoder.windows(chunk.stream().map(Example::text).toList(),
                    pairs ? chunk.stream().map(Example::textPair).toList() : null, maxLength, LongText.SLIDING_WINDOW,
                    stride);
            for (int i = 0; i < chunk.size(); i++) {
                starts[start + i] = tokens.size();
                List<TextEncoder.Tokens> textWindows = windows.get(i);
                for (int w = 0; w < textWindows.size(); w++) {
                    // the first window of a long text carries the flag: overMaxLength counts texts, not windows
                    boolean longText = w == 0 && (textWindows.size() > 1 || textWindows.get(0).truncated());
                    tokens.add(new TextEncoder.Tokens(textWindows.get(w).ids(),
                            pairs ? textWindows.get(w).typeIds() : NO_TYPES, longText));
                    targets.add(chunk.get(i));
                }
            }
        }
        starts[examples.size()] = tokens.size();
        return new TokenizedExamples(tokens, Targets.of(targets), padId, starts);
    }

    /**
     * Where each text's windows start (and, last, the end) when these are {@link #windowsOf} texts: evaluation then
     * averages a text's windows as serving does ({@link WindowedLogits}); null for one example per text.
     */
    int[] windowStarts() {
        return windowStarts;
    }

    /** How many texts were longer than maxLength (cut, or read head and tail). */
    public int overMaxLength() {
        return (int) tokens.stream().filter(TextEncoder.Tokens::truncated).count();
    }

    /** Single texts' token types are all 0: none kept (padding fills zeros). */
    private static final long[] NO_TYPES = new long[0];

    public int size() {
        return tokens.size();
    }

    public int length(int index) {
        return tokens.get(index).ids().length;
    }

    /** What every example should produce, in example order. */
    public Targets targets() {
        return targets;
    }

    /** The examples at {@code indices}, padded to the longest of them. */
    public EncodedBatch batch(int[] indices) {
        List<TextEncoder.Tokens> rows = new ArrayList<>(indices.length);
        for (int index : indices) {
            rows.add(tokens.get(index));
        }
        return EncodedBatch.of(rows, padId);
    }
}
