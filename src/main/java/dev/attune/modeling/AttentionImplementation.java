package dev.attune.modeling;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AttentionImplementation> parse(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String wanted = id.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(a -> a.name().equals(wanted)).findFirst();
    }

    @JsonCreator
    public static AttentionImplementation of(String id) {
        return parse(id).orElseThrow(() -> new IllegalArgumentException("'" + id + "' is not one of " + ids()));
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(AttentionImplementation::id).toList();
    }
}
