package dev.attune.modeling;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The precision of the linear layers' matrix products: {@code fp32}, or {@code bf16} (inputs and weights
 * cast to bfloat16 for the product, the result back to fp32; master weights, layer norms, softmax and the
 * loss stay fp32, as under torch.autocast).
 */
public enum Precision {
    FP32, BF16;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Precision> parse(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String wanted = id.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.name().equals(wanted)).findFirst();
    }

    @JsonCreator
    public static Precision of(String id) {
        return parse(id).orElseThrow(() -> new IllegalArgumentException("'" + id + "' is not one of " + ids()));
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Precision::id).toList();
    }
}
