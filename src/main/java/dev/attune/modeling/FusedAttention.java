package dev.attune.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Multi-head attention through libtorch's fused {@code scaled_dot_product_attention} (flash or
 * memory-efficient kernels where the device has them; on a CPU a fused kernel many times faster than
 * matmul-softmax-matmul in separate operations). The heads are split and merged inside the module,
 * so one call replaces about ten DJL operations. A module is compiled per head count, head size and
 * dropout ({@link TorchScriptModule#call}).
 */
final class FusedAttention {

    private record Variant(int heads, long headDim, float dropout) {
    }

    private FusedAttention() {
    }

    /** q, k, v: (B, T, H); maskBias (B, 1, 1, T) additive; returns (B, T, H). */
    static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray maskBias, int heads, float dropout, boolean training) {
        Variant variant = new Variant(heads, q.getShape().get(2) / heads, training ? dropout : 0f);
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
}
