package dev.attune.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * Multi-head attention through libtorch's fused {@code scaled_dot_product_attention} (flash or
 * memory-efficient kernels where the device has them; on a CPU a fused kernel many times faster than
 * matmul-softmax-matmul in separate operations). The heads are split and merged inside the module,
 * so one call replaces about ten DJL operations. A module is compiled per head count, head size and
 * dropout ({@link TorchScriptModule#call}).
 *
 * <p>Attention dropout while training on a CPU: libtorch's CPU kernels have no dropout (it falls back to
 * matmul-softmax-dropout-matmul), and its mask would be drawn one element at a time. So that case runs the same
 * steps in the module with a mask drawn in Java ({@link DropoutMasks}).
 */
final class FusedAttention {

    /** @param dropout the rate libtorch draws the mask for; maskGiven: the mask is an input (scaled, rate 0 here) */
    private record Variant(int heads, long headDim, float dropout, boolean maskGiven) {
    }

    private FusedAttention() {
    }

    /** q, k, v: (B, T, H); maskBias (B, 1, 1, T) additive; returns (B, T, H). */
    static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray maskBias, int heads, float dropout, boolean training) {
        float rate = training ? dropout : 0f;
        int headDim = (int) (q.getShape().get(2) / heads);
        long batch = q.getShape().get(0);
        long tokens = q.getShape().get(1);
        Shape probabilities = new Shape(batch, heads, tokens, tokens);
        if (rate > 0 && DropoutMasks.drawnInJava(q, probabilities)) {
            Variant variant = new Variant(heads, headDim, 0f, true); // the mask carries the rate: one module for all
            NDArray keep = DropoutMasks.scaledKeep(q.getManager(), probabilities, rate);
            return TorchScriptModule.call("AttentionWithMask", variant, () -> sourceWithMask(variant),
                    new NDList(q, k, v, maskBias, keep));
        }
        Variant variant = new Variant(heads, headDim, rate, false);
        return TorchScriptModule.call("Attention", variant, () -> source(variant), new NDList(q, k, v, maskBias));
    }

    private static String source(Variant v) {
        return """
                    def forward(self: __torch__.Attention, q: Tensor, k: Tensor, v: Tensor, mask: Tensor) -> Tensor:
                        b = torch.size(q, 0)
                        t = torch.size(q, 1)
                        qh = torch.transpose(torch.reshape(q, [b, t, %1$d, %2$d]), 1, 2)
                        kh = torch.transpose(torch.reshape(k, [b, t, %1$d, %2$d]), 1, 2)
                        vh = torch.transpose(torch.reshape(v, [b, t, %1$d, %2$d]), 1, 2)
                        context = torch.scaled_dot_product_attention(qh, kh, vh, mask, %3$s)
                        return torch.reshape(torch.transpose(context, 1, 2), [b, t, %4$d])
                """.formatted(v.heads(), v.headDim(), Float.toString(v.dropout()), v.heads() * v.headDim());
    }

    /** softmax(q kᵀ / √d + mask) · keep, times v; keep: float32 (B, heads, T, T), 0 or 1 / (1 − rate). */
    private static String sourceWithMask(Variant v) {
        return """
                    def forward(self: __torch__.AttentionWithMask, q: Tensor, k: Tensor, v: Tensor, mask: Tensor, keep: Tensor) -> Tensor:
                        b = torch.size(q, 0)
                        t = torch.size(q, 1)
                        qh = torch.transpose(torch.reshape(q, [b, t, %1$d, %2$d]), 1, 2)
                        kh = torch.transpose(torch.reshape(k, [b, t, %1$d, %2$d]), 1, 2)
                        vh = torch.transpose(torch.reshape(v, [b, t, %1$d, %2$d]), 1, 2)
                        scores = torch.add(torch.matmul(torch.mul(qh, %3$s), torch.transpose(kh, 2, 3)), mask)
                        probs = torch.mul(torch.softmax(scores, -1), keep)
                        context = torch.matmul(probs, vh)
                        return torch.reshape(torch.transpose(context, 1, 2), [b, t, %4$d])
                """.formatted(v.heads(), v.headDim(), Double.toString(1 / Math.sqrt(v.headDim())), v.heads() * v.headDim());
    }
}
