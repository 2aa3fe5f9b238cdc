package dev.attune.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

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

    /** Real (non-padding) tokens in the batch. */
    public long realTokens() {
        long count = 0;
        for (long m : attentionMask) {
            count += m;
        }
        return count;
    }
}
