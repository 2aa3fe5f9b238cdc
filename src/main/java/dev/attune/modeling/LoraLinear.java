package dev.attune.modeling;

import java.util.Locale;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * An adapted layer's forward pass in one TorchScript call: y = x Wᵀ + b + (dropout(x) Aᵀ)(B · alpha / r)ᵀ, the
 * base product in the layer's precision (cast inside, as {@link CastLinear}), the adapter's in fp32, the scale
 * applied to B (out × r) rather than to the output (one pass less over the activations).
 */
final class LoraLinear {

    // dtype codes: 15 bfloat16, 5 float16, 6 float32 (torch.bfloat16 as a value does not compile here)
    private static final String SOURCE = """
                def forward(self: __torch__.%s, x: Tensor, dropped: Tensor, w: Tensor, b: Tensor, a: Tensor,
                        up: Tensor) -> Tensor:
                    y = %s
                    return y + torch.linear(torch.linear(dropped, a), torch.mul(up, %s))
            """;

    /** What one compiled source is specific to. */
    private record Variant(Precision precision, double scale) {
    }

    private LoraLinear() {
    }

    /**
     * @param dropped the layer's input after the adapter's dropout (x itself in eval mode or without dropout)
     */
    static NDArray forward(NDArray x, NDArray dropped, NDArray w, NDArray b, LoraAdapter.Pair pair,
            Precision precision, double scale) {
        String className = "LoraLinear" + switch (precision) {
            case BF16 -> "Bf16";
            case FP16 -> "Fp16";
            default -> "Fp32";
        };
        return TorchScriptModule.call(className, new Variant(precision, scale),
                () -> SOURCE.formatted(className, base(precision), literal(scale)),
                new NDList(x, dropped, w, b, pair.a(), pair.b()));
    }

    private static String base(Precision precision) {
        if (precision == Precision.FP32) {
            return "torch.linear(x, w, b)";
        }
        int dtype = precision == Precision.BF16 ? 15 : 5;
        return "torch.to(torch.linear(torch.to(x, %d), torch.to(w, %d), torch.to(b, %d)), 6)".formatted(dtype, dtype,
                dtype);
    }

    private static String literal(double value) {
        return String.format(Locale.ROOT, "%.17g", value);
    }
}
