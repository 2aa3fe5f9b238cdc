package dev.attune.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Multi-head scaled dot-product attention as in transformers' eager attention. */
public final class Attention {

    private Attention() {
    }

    /**
     * An additive mask from a (B, T) 0/1 attention mask: 0 where attended, the float minimum where
     * padded, shaped (B, 1, 1, T) to broadcast over heads and queries.
     */
    public static NDArray maskBias(NDArray attentionMask) {
        NDArray mask = attentionMask.toType(DataType.FLOAT32, false); // (B, T)
        NDArray bias = mask.neg().add(Scalars.of(mask, 1f)).mul(Scalars.of(mask, -Float.MAX_VALUE));
        return bias.expandDims(1).expandDims(1); // (B, 1, 1, T)
    }

    /**
     * q, k, v: (B, T, H); returns the per-head attention output merged back to (B, T, H), computed by
     * libtorch's fused kernel ({@link FusedAttention}) or, for {@code eager}, by the reference below.
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray maskBias, int heads, float dropout,
            boolean training, AttentionImplementation implementation) {
        return implementation == AttentionImplementation.SDPA
                ? FusedAttention.attend(q, k, v, maskBias, heads, dropout, training)
                : eager(q, k, v, maskBias, heads, dropout, training);
    }

    /** transformers' eager attention in DJL operations: matmul, scale, mask, softmax, dropout, matmul. */
    static NDArray eager(NDArray q, NDArray k, NDArray v, NDArray maskBias, int heads, float dropout,
            boolean training) {
        long batch = q.getShape().get(0);
        long tokens = q.getShape().get(1);
        long hidden = q.getShape().get(2);
        long headDim = hidden / heads;
        NDArray qh = splitHeads(q, batch, tokens, heads, headDim); // (B, h, T, d)
        NDArray kh = splitHeads(k, batch, tokens, heads, headDim);
        NDArray vh = splitHeads(v, batch, tokens, heads, headDim);
        NDArray scores = qh.matMul(kh.transpose(0, 1, 3, 2)); // (B, h, T, T)
        scores = scores.div(Scalars.of(scores, (float) Math.sqrt(headDim)));
        NDArray probs = scores.add(maskBias).softmax(-1);
        probs = dropout(probs, dropout, training);
        NDArray context = probs.matMul(vh); // (B, h, T, d)
        return context.transpose(0, 2, 1, 3).reshape(new Shape(batch, tokens, hidden)); // (B, T, H)
    }

    private static NDArray splitHeads(NDArray x, long batch, long tokens, int heads, long headDim) {
        return x.reshape(new Shape(batch, tokens, heads, headDim)).transpose(0, 2, 1, 3);
    }

    /** Dropout while training ({@link DropoutMasks}: masks drawn in Java on a CPU); x itself otherwise. */
    public static NDArray dropout(NDArray x, double rate, boolean training) {
        return training && rate > 0 ? DropoutMasks.dropout(x, rate) : x;
    }
}
