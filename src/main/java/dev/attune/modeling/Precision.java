package dev.attune.modeling;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The precision of the linear layers' matrix products: {@code fp32}, or {@code bf16} (inputs and weights
 * cast to bfloat16 for the product, the result back to fp32; master weights, layer norms, softmax and the
 * loss stay fp32, as under torch.autocast), {@code fp16} (the same in float16, whose narrow range needs
 * dynamic loss scaling in training, as torch.amp.GradScaler does: for GPUs without bf16), or {@code auto}: bf16 on a GPU, fp32 on a CPU (measured on a
 * 2-core AVX-512 BF16 CPU, bench/RESULTS.md: fp32 is faster for short texts, where most jobs are; bf16 pays
 * off from about 256 tokens and is there to ask for).
 */
public enum Precision {
    AUTO, FP32, BF16, FP16;

    /** Whether training needs dynamic loss scaling: float16's range underflows small gradients. */
    public boolean needsLossScaling() {
        return this == FP16;
    }

    /** The precision to run with on this device: {@code auto} resolved, the others as they are. */
    public Precision on(ai.djl.Device device) {
        return this != AUTO ? this : device.isGpu() ? BF16 : FP32;
    }

    @JsonValue
    public String id() {
        return EnumNames.id(this);
    }

    public static Optional<Precision> parse(String id) {
        return EnumNames.parse(Precision.class, id);
    }

    @JsonCreator
    public static Precision of(String id) {
        return EnumNames.of(Precision.class, id);
    }

    public static List<String> ids() {
        return EnumNames.ids(Precision.class);
    }
}
