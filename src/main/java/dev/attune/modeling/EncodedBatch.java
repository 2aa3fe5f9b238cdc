package dev.attune.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Token ids, attention mask and token type ids of a batch padded to its longest sequence, flat
 * row-major (B × T). {@code truncated[i]} says whether text i was cut to the maximum length.
 */
public record EncodedBatch(int batchSize, int tokens, long[] inputIds, long[] attentionMask, long[] tokenTypeIds,
        boolean[] truncated) {

    /** (input_ids, attention_mask, token_type_ids), each (B, T) int64, created in the given manager. */
    public NDList toNDList(NDManager manager) {
        Shape shape = new Shape(batchSize, tokens);
        NDArray ids = manager.create(inputIds, shape);
        NDArray mask = manager.create(attentionMask, shape);
        NDArray types = manager.create(tokenTypeIds, shape);
        return new NDList(ids, mask, types);
    }

    /** Texts' tokens padded to the longest, with their token types and truncation flags. */
    public static EncodedBatch of(List<TextEncoder.Tokens> texts, long padId) {
        return of(texts, padId, 1);
    }

    /** As {@link #of(List, long)}, padded to at least {@code minTokens} (a fixed length). */
    public static EncodedBatch of(List<TextEncoder.Tokens> texts, long padId, int minTokens) {
        int tokens = minTokens;
        for (TextEncoder.Tokens text : texts) {
            tokens = Math.max(tokens, text.ids().length);
        }
        int batch = texts.size();
        long[] ids = new long[batch * tokens];
        long[] mask = new long[batch * tokens];
        long[] types = new long[batch * tokens];
        boolean[] truncated = new boolean[batch];
        Arrays.fill(ids, padId);
        for (int i = 0; i < batch; i++) {
            TextEncoder.Tokens text = texts.get(i);
            System.arraycopy(text.ids(), 0, ids, i * tokens, text.ids().length);
            System.arraycopy(text.typeIds(), 0, types, i * tokens, text.typeIds().length);
            Arrays.fill(mask, i * tokens, i * tokens + text.ids().length, 1L);
            truncated[i] = text.truncated();
        }
        return new EncodedBatch(batch, tokens, ids, mask, types, truncated);
    }

    /** Real (non-padding) tokens in the batch. */
    public long realTokens() {
        long count = 0;
        for (long m : attentionMask) {
            count += m;
        }
        return count;
    }
}
