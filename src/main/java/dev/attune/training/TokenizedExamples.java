package dev.attune.training;

import java.util.ArrayList;
import java.util.List;

import dev.attune.modeling.EncodedBatch;
import dev.attune.modeling.TextEncoder;

/** Examples tokenised once, so every epoch only pads and batches ids. */
public final class TokenizedExamples {

    private static final int CHUNK = 1024;

    private final List<long[]> ids;
    private final int[] labels;
    private final long padId;

    private TokenizedExamples(List<long[]> ids, int[] labels, long padId) {
        this.ids = ids;
        this.labels = labels;
        this.padId = padId;
    }

    public static TokenizedExamples of(List<Example> examples, TextEncoder encoder, int maxLength, long padId) {
        List<long[]> ids = new ArrayList<>(examples.size());
        int[] labels = new int[examples.size()];
        for (int start = 0; start < examples.size(); start += CHUNK) {
            List<Example> chunk = examples.subList(start, Math.min(examples.size(), start + CHUNK));
            ids.addAll(encoder.tokenize(chunk.stream().map(Example::text).toList(), maxLength));
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = examples.get(i).label();
        }
        return new TokenizedExamples(ids, labels, padId);
    }

    public int size() {
        return labels.length;
    }

    public int length(int index) {
        return ids.get(index).length;
    }

    public int label(int index) {
        return labels[index];
    }

    public int[] labels(int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = labels[indices[i]];
        }
        return out;
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
