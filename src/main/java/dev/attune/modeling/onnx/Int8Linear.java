package dev.attune.modeling.onnx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.attune.modeling.onnx.OnnxGraph.Attribute;
import dev.attune.modeling.onnx.OnnxGraph.DataType;

/**
 * Linear layers with int8 weights and their input quantized at run time, one scale per token row (issue 32).
 * {@code DynamicQuantizeLinear} takes one scale for the whole tensor, so a text's answer moved with the other
 * texts of its batch and with the padding a long neighbour forced on it; a row's scale depends on that row
 * only, and a padded row is a row of its own.
 *
 * <p>Symmetric per row: scale = max |x| / 127, q = round(x / scale) + 128 in uint8, so every row has the same
 * zero point, 128. ONNX Runtime's CPU MatMulInteger takes only a scalar zero point for its left operand
 * (1.20: "input1 zero point must be a scalar or 1D tensor of size 1"), and with one it runs the fused u8s8
 * kernel that DynamicQuantizeLinear's graph ran. Asymmetric rows (each its own zero point, taken off after the
 * product as z Σ w in int32) were measured too: int8 about half as far from fp32 on MiniLM, but two more int32
 * passes over every layer's output, about 15% more CPU per text than this (bench/RESULTS.md, issue 32); this
 * one is already closer to fp32 than the per-batch graph was. One input is quantized once, however many layers
 * read it (query, key and value).
 */
final class Int8Linear {

    /** An input quantized: its rows (M, in) uint8, each row's scale (M, 1), its dims but the last. */
    private record Rows(String quantized, String scale, String leading) {
    }

    private final OnnxGraph graph;
    private final Map<String, Rows> inputs = new HashMap<>();
    private String zeroPoint;

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
        String integer = graph.node("MatMulInteger", List.of(rows.quantized(), weights, zeroPoint())); // (M, out) int32
        String rowScaled = graph.node("Mul", List.of(graph.node("Cast", List.of(integer),
                Attribute.of("to", (long) DataType.FLOAT.code)), rows.scale())); // (M, out)
        String product = graph.node("Mul", List.of(rowScaled, graph.floats(name + ".weight_scale", new long[] {out},
                q.scales())));
        String shape = graph.node("Concat", List.of(rows.leading(), graph.longs(out)), Attribute.of("axis", 0L));
        return graph.node("Reshape", List.of(graph.node("Add", List.of(product, bias)), shape)); // (..., out)
    }

    /** x's rows, each quantized on its own max |x|; an all-zero row gets the smallest normal scale, q = 128. */
    private Rows quantize(String x, int in) {
        String rows = graph.node("Reshape", List.of(x, graph.longs(-1, in))); // (M, in), M = B·T
        String largest = graph.node("ReduceMax", List.of(graph.node("Abs", List.of(rows))), Attribute.ints("axes", 1),
                Attribute.of("keepdims", 0L)); // (M)
        String scale = graph.node("Max", List.of(graph.node("Div", List.of(largest, graph.scalar(127f))),
                graph.scalar(Float.MIN_NORMAL))); // (M)
        String zeroPoints = graph.node("Expand", List.of(zeroPoint(), graph.node("Shape", List.of(scale)))); // (M)
        String quantized = graph.node("QuantizeLinear", List.of(rows, scale, zeroPoints),
                Attribute.of("axis", 0L)); // (M, in) uint8, 1..255
        return new Rows(quantized, graph.node("Unsqueeze", List.of(scale, graph.longs(1))), // (M, 1)
                graph.node("Shape", List.of(x), Attribute.of("end", -1L)));
    }

    /** The uint8 128 every row shares, one initializer for the graph. */
    private String zeroPoint() {
        if (zeroPoint == null) {
            zeroPoint = graph.bytes("activation_zero_point", DataType.UINT8, new long[0], new byte[] {(byte) 128});
        }
        return zeroPoint;
    }
}
