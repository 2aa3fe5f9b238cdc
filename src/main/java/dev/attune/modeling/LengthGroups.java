package dev.attune.modeling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Splits texts into batches of similar length, so that padding costs little: texts sorted by tokens, and a
 * new batch starts where padding the next text's batch to it would waste more than {@link #MAX_PADDING} of
 * the batch's tokens. Short, uniform texts stay one batch; a mix of short and long ones splits.
 */
final class LengthGroups {

    /** The padded share of a batch's tokens beyond which the next text starts a new batch. */
    static final double MAX_PADDING = 0.25;

    private LengthGroups() {
    }

    /** Groups of indices into {@code texts}, each group sorted by length. */
    static List<int[]> of(List<TextEncoder.Tokens> texts) {
        int[] order = IntStream.range(0, texts.size()).boxed()
                .sorted(Comparator.comparingInt(i -> texts.get(i).ids().length)).mapToInt(i -> i).toArray();
        List<int[]> groups = new ArrayList<>();
        int start = 0;
        long realTokens = 0;
        for (int i = 0; i < order.length; i++) {
            long length = texts.get(order[i]).ids().length;
            long padded = length * (i - start + 1); // every text so far padded to this one (the longest)
            if (i > start && padded - (realTokens + length) > MAX_PADDING * padded) {
                groups.add(Arrays.copyOfRange(order, start, i));
                start = i;
                realTokens = 0;
            }
            realTokens += length;
        }
        if (start < order.length) {
            groups.add(Arrays.copyOfRange(order, start, order.length));
        }
        return groups;
    }
}
