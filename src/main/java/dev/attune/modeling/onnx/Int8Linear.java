package dev.attune.modeling.onnx;

import java.util.List;

import dev.attune.modeling.onnx.OnnxGraph.Attribute;
import dev.attune.modeling.onnx.OnnxGraph.DataType;

/**
 * A linear layer with int8 weights and its input quantized at run time, one scale and zero point per token row
 * (issue 32). {@code DynamicQuantizeLinear} takes one scale for the whole tensor, so a text's answer moved with
 * the other texts of its batch and with the padding a long neighbour forced on it; a row's scale depends on
 * that row only, and a padded row is a row of its own.
 *
 * <p>Per row, as DynamicQuantizeLinear per tensor: the range with 0 in it, uint8 asymmetric,
 * scale = (max - min) / 255 (1 for a row of zeros), zero point = round(-min / scale). ONNX Runtime's CPU
 * MatMulInteger takes only a scalar zero point for its left operand (1.20: "input1 zero point must be a
 * scalar or 1D tensor of size 1"), so the product runs with none and the zero point comes off after, in exact
 * int32: Σ (q - z) w = Σ q w - z Σ w, Σ w being the weights' column sums. Asymmetric rather than symmetric
 * int8 with zero point 0: the inputs after GELU are almost all positive, and asymmetric keeps all 256 levels.
 */
final class Int8Linear {

    private Int8Linear() {
    }

    /**
     * x (..., in) → x Wᵀ + b (..., out).
     *
     * @param weight W (out, in), row-major
     * @param bias the bias initializer's name
     */
    static String apply(OnnxGraph graph, String x, String name, float[] weight, int out, int in, String bias) {
        Int8Weights q = Int8Weights.quantize(weight, out, in);
        String rows = graph.node("Reshape", List.of(x, graph.longs(-1, in))); // (M, in), M = B·T
        String low = graph.node("Min", List.of(graph.node("ReduceMin", List.of(rows), Attribute.ints("axes", 1),
                Attribute.of("keepdims", 0L)), graph.scalar(0f))); // (M)
        String high = graph.node("Max", List.of(graph.node("ReduceMax", List.of(rows), Attribute.ints("axes", 1),
                Attribute.of("keepdims", 0L)), graph.scalar(0f))); // (M)
        String range = graph.node("Div", List.of(graph.node("Sub", List.of(high, low)), graph.scalar(255f))); // (M)
        String scale = graph.node("Where", List.of(graph.node("Equal", List.of(range, graph.scalar(0f))),
                graph.scalar(1f), range)); // (M)
        String zeroPoint = graph.node("Clip", List.of(graph.node("Round", List.of(graph.node("Div",
                List.of(graph.node("Neg", List.of(low)), scale)))), graph.scalar(0f), graph.scalar(255f))); // (M)
        String quantized = graph.node("QuantizeLinear", List.of(rows, scale, cast(graph, zeroPoint, DataType.UINT8)),
                Attribute.of("axis", 0L)); // (M, in) uint8
        String weights = graph.bytes(name + ".weight_t_int8", DataType.INT8, new long[] {in, out}, q.transposed());
        String integer = graph.node("MatMulInteger", List.of(quantized, weights)); // (M, out) int32, Σ q w
        String offset = graph.node("Mul", List.of(graph.node("Unsqueeze", List.of(cast(graph, zeroPoint,
                DataType.INT32), graph.longs(1))), columnSums(graph, name, q, in, out))); // (M, out) int32, z Σ w
        String exact = graph.node("Sub", List.of(integer, offset)); // (M, out) int32, Σ (q - z) w
        String rowScaled = graph.node("Mul", List.of(cast(graph, exact, DataType.FLOAT),
                graph.node("Unsqueeze", List.of(scale, graph.longs(1))))); // (M, out)
        String product = graph.node("Mul", List.of(rowScaled, graph.floats(name + ".weight_scale", new long[] {out},
                q.scales())));
        String shape = graph.node("Concat", List.of(graph.node("Shape", List.of(x), Attribute.of("end", -1L)),
                graph.longs(out)), Attribute.of("axis", 0L)); // x's leading dims, then out
        return graph.node("Reshape", List.of(graph.node("Add", List.of(product, bias)), shape)); // (..., out)
    }

    /** Σ over in of the int8 weights, per output column: (out) int32. */
    private static String columnSums(OnnxGraph graph, String name, Int8Weights q, int in, int out) {
        long[] sums = new long[out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                sums[o] += q.transposed()[i * out + o];
            }
        }
        int[] ints = new int[out];
        for (int o = 0; o < out; o++) {
            ints[o] = Math.toIntExact(sums[o]);
        }
        return graph.int32s(name + ".weight_column_sum", new long[] {out}, ints);
    }

    private static String cast(OnnxGraph graph, String x, DataType to) {
        return graph.node("Cast", List.of(x), Attribute.of("to", (long) to.code));
    }
}
