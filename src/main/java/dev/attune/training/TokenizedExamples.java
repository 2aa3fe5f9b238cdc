package dev.attune.training;

import java.util.ArrayList;
import java.util.List;

import dev.attune.modeling.EncodedBatch;
import dev.attune.modeling.TextEncoder;

/** Examples tokenised once, so every epoch only pads and batches ids. */
public final class TokenizedExamples {

    private static final int CHUNK = 1024;

    private final List<long[]> ids;
    private final Targets targets;
    private final long padId;

    private TokenizedExamples(List<long[]> ids, Targets targets, long padId) {
        this.ids = ids;
        this.targets = targets;
        this.padId = padId;
    }

    public static TokenizedExamples of(List<Example> examples, TextEncoder encoder, int maxLength, long padId) {
        List<long[]> ids = new ArrayList<>(examples.size());
        for (int start = 0; start < examples.size(); start += CHUNK) {
            List<Example> chunk = examples.subList(start, Math.min(examples.size(), start + CHUNK));
            ids.addAll(encoder.tokenize(chunk.stream().map(Example::text).toList(), maxLength));
        }
        return new TokenizedExamples(ids, Targets.of(examples), padId);
    }

    public int size() {
        return ids.size();
    }

    public int length(int index) {
        return ids.get(index).length;
    }

    /** What every example should produce, in example order. */
    public Targets targets() {
        return targets;
    }

    /** The examples at {@code indices}, padded to the longest of them. */
    public EncodedBatch batch(int[] indices) {
        List<long[]> rows = new ArrayList<>(indices.length);
        for (int index : indices) {
            rows.add(ids.get(index));
        }
        return EncodedBatch.padded(rows, padId);
    }
}
