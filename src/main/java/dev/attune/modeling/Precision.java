package dev.attune.modeling;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The precision of the linear layers' matrix products: {@code fp32}, or {@code bf16} (inputs and weights
 * cast to bfloat16 for the product, the result back to fp32; master weights, layer norms, softmax and the
 * loss stay fp32, as under torch.autocast), {@code fp16} (the same in float16, whose narrow range needs
 * dynamic loss scaling in training, as torch.amp.GradScaler does: for GPUs without bf16), or {@code auto}:
 * bf16 on a GPU that has it (compute capability 8.0 and up; fp16 on older ones) and on a CPU that multiplies
 * bfloat16 natively (AVX-512 BF16 or AMX: the CPU recipe trained
 * 2.1x faster than in fp32 to the same accuracy, bench/RESULTS.md), fp32 on other CPUs (whose
 * bf16 products are emulated and slow).
 */
public enum Precision {
    AUTO, FP32, BF16, FP16;

    /** Whether training needs dynamic loss scaling: float16's range underflows small gradients. */
    public boolean needsLossScaling() {
        return this == FP16;
    }

    /** The precision to run with on this device: {@code auto} resolved, the others as they are. */
    public Precision on(ai.djl.Device device) {
        if (this != AUTO) {
            return this;
        }
        if (device.isGpu()) {
            return bf16Capable(computeCapability(device)) ? BF16 : FP16;
        }
        return CpuFeatures.fastBf16() ? BF16 : FP32;
    }

    /** A GPU's compute capability as DJL reports it ("90" for 9.0, "100" for 10.0); null when unknown. */
    private static String computeCapability(ai.djl.Device device) {
        try {
            return ai.djl.util.cuda.CudaUtils.getComputeCapability(device.getDeviceId());
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** bfloat16 tensor cores came with compute capability 8.0 (Ampere); unknown: assume a current GPU. */
    static boolean bf16Capable(String computeCapability) {
        if (computeCapability == null || !computeCapability.matches("\\d{2,3}")) {
            return true;
        }
        return Integer.parseInt(computeCapability.substring(0, computeCapability.length() - 1)) >= 8;
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
