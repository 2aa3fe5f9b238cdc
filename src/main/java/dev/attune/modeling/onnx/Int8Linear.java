package dev.attune.modeling.onnx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.attune.modeling.onnx.OnnxGraph.Attribute;
import dev.attune.modeling.onnx.OnnxGraph.DataType;

/**
 * Linear layers with int8 weights and their input quantized at run time, one scale and zero point per token row
 * (issue 32). {@code DynamicQuantizeLinear} takes one scale for the whole tensor, so a text's answer moved with
 * the other texts of its batch and with the padding a long neighbour forced on it; a row's scale depends on
 * that row only, and a padded row is a row of its own.
 *
 * <p>Per row, as DynamicQuantizeLinear per tensor: the range with 0 in it, uint8 asymmetric,
 * scale = (max - min) / 255, zero point = round(-min / scale). ONNX Runtime's CPU MatMulInteger takes only a
 * scalar zero point for its left operand (1.20: "input1 zero point must be a scalar or 1D tensor of size 1"),
 * so the product runs with none and the zero point comes off after, in exact int32:
 * Σ (q - z) w = Σ q w - z Σ w, Σ w being the weights' column sums. Asymmetric rather than symmetric int8 with
 * zero point 0: the inputs after GELU are almost all positive, and asymmetric keeps all 256 levels for them.
 * One input is quantized once, however many layers read it (query, key and value).
 */
final class Int8Linear {

    /** An input quantized: its rows (M, in) uint8, each row's scale and zero point (M, 1), its leading dims. */
    private record Rows(String quantized, String scale, String zeroPoint, String leading) {
    }

    private final OnnxGraph graph;
    private final Map<String, Rows> inputs = new HashMap<>();

    Int8Linear(OnnxGraph graph) {
        this.graph = graph;
    }

    /**
     * x (..., in) → x Wᵀ + b (..., out).
     *
     * @param weight W (out, in), row-major
     * @param bias the bias initializer's name
     */
    String apply(String x, String name, float[] weight, int out, int in, String bias) {
        Int8Weights q = Int8Weights.quantize(weight, out, in);
        Rows rows = inputs.computeIfAbsent(x, key -> quantize(key, in));
        String weights = graph.bytes(name + ".weight_t_int8", DataType.INT8, new long[] {in, out}, q.transposed());
        String integer = graph.node("MatMulInteger", List.of(rows.quantized(), weights)); // (M, out) int32, Σ q w
        String offset = graph.node("Mul", List.of(rows.zeroPoint(), columnSums(name, q, in, out))); // z Σ w
        String exact = graph.node("Sub", List.of(integer, offset)); // (M, out) int32, Σ (q - z) w
        String rowScaled = graph.node("Mul", List.of(cast(exact, DataType.FLOAT), rows.scale())); // (M, out)
        String product = graph.node("Mul", List.of(rowScaled, graph.floats(name + ".weight_scale", new long[] {out},
                q.scales())));
        String shape = graph.node("Concat", List.of(rows.leading(), graph.longs(out)), Attribute.of("axis", 0L));
        return graph.node("Reshape", List.of(graph.node("Add", List.of(product, bias)), shape)); // (..., out)
    }

    /**
     * x's rows, each quantized on its own range. No Clip on the zero point: min ≤ 0 ≤ max puts -min / scale in
     * [0, 255]. An all-zero row gets the smallest normal scale (DynamicQuantizeLinear's guard against 0): its
     * quantized values and zero point are 0.
     */
    private Rows quantize(String x, int in) {
        String rows = graph.node("Reshape", List.of(x, graph.longs(-1, in))); // (M, in), M = B·T
        String low = graph.node("Min", List.of(graph.node("ReduceMin", List.of(rows), Attribute.ints("axes", 1),
                Attribute.of("keepdims", 0L)), graph.scalar(0f))); // (M)
        String high = graph.node("Max", List.of(graph.node("ReduceMax", List.of(rows), Attribute.ints("axes", 1),
                Attribute.of("keepdims", 0L)), graph.scalar(0f))); // (M)
        String scale = graph.node("Max", List.of(graph.node("Div", List.of(graph.node("Sub", List.of(high, low)),
                graph.scalar(255f))), graph.scalar(Float.MIN_NORMAL))); // (M)
        String zeroPoint = graph.node("Round", List.of(graph.node("Div", List.of(graph.node("Neg", List.of(low)),
                scale)))); // (M), whole numbers in [0, 255]
        String quantized = graph.node("QuantizeLinear", List.of(rows, scale, cast(zeroPoint, DataType.UINT8)),
                Attribute.of("axis", 0L)); // (M, in) uint8
        String column = graph.longs(1);
        return new Rows(quantized, graph.node("Unsqueeze", List.of(scale, column)),
                graph.node("Unsqueeze", List.of(cast(zeroPoint, DataType.INT32), column)), // (M, 1)
                graph.node("Shape", List.of(x), Attribute.of("end", -1L))); // x's dims but the last
    }

    /** Σ over in of the int8 weights, per output column: (out) int32. */
    private String columnSums(String name, Int8Weights q, int in, int out) {
        int[] sums = new int[out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                sums[o] += q.transposed()[i * out + o]; // |Σ| ≤ 127 · in: no overflow
            }
        }
        return graph.int32s(name + ".weight_column_sum", new long[] {out}, sums);
    }

    private String cast(String x, DataType to) {
        return graph.node("Cast", List.of(x), Attribute.of("to", (long) to.code));
    }
}
