package dev.attune.modeling;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a model is served: {@code fp32} and {@code int8} run the exported ONNX graph in ONNX Runtime on a CPU
 * (int8: the encoder's linear layers dynamically quantized), {@code bf16} runs libtorch with bfloat16 products
 * (the GPU's choice; on a CPU slower than int8, bench/RESULTS.md), {@code auto} picks int8 on a CPU when the
 * model's own validation rows lost at most {@link #MAX_INT8_LOSS} of accuracy to it, else fp32; on a GPU,
 * libtorch in the device's {@link Precision#AUTO} precision.
 */
public enum ServingPrecision {
    AUTO, FP32, BF16, INT8;

    /** The most accuracy (a fraction: 0.005 = 0.5 points) auto lets int8 cost on the model's validation rows. */
    public static final double MAX_INT8_LOSS = 0.005;

    @JsonValue
    public String id() {
        return EnumNames.id(this);
    }

    public static Optional<ServingPrecision> parse(String id) {
        return EnumNames.parse(ServingPrecision.class, id);
    }

    @JsonCreator
    public static ServingPrecision of(String id) {
        return EnumNames.of(ServingPrecision.class, id);
    }

    public static List<String> ids() {
        return EnumNames.ids(ServingPrecision.class);
    }
}
