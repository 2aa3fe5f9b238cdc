package dev.attune.modeling;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How attention is computed, as transformers' {@code attn_implementation} names it: {@code eager}
 * (matmul, softmax, matmul in DJL operations: the reference) or {@code sdpa} (libtorch's fused
 * scaled_dot_product_attention, through a TorchScript module; the default).
 */
public enum AttentionImplementation {
    EAGER, SDPA;

    @JsonValue
    public String id() {
        return EnumNames.id(this);
    }

    public static Optional<AttentionImplementation> parse(String id) {
        return EnumNames.parse(AttentionImplementation.class, id);
    }

    @JsonCreator
    public static AttentionImplementation of(String id) {
        return EnumNames.of(AttentionImplementation.class, id);
    }

    public static List<String> ids() {
        return EnumNames.ids(AttentionImplementation.class);
    }
}
