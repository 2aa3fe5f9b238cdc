package dev.attune.modeling.onnx;

import java.util.List;

import dev.attune.modeling.SentencePooling;
import dev.attune.modeling.onnx.OnnxGraph.Attribute;
import dev.attune.modeling.onnx.OnnxGraph.DataType;

/** A SetFit model's sentence pooling in ONNX (opset 17), as {@link SentencePooling#apply} computes it. */
final class SetFitPooling {

    private SetFitPooling() {
    }

    /** The sentence embedding (B, H) of token states {@code hidden} (B, T, H) under {@code mask} (B, T) int64. */
    static String embedding(OnnxGraph graph, String hidden, String mask, SentencePooling pooling) {
        String real = graph.node("Unsqueeze", List.of(graph.node("Cast", List.of(mask),
                Attribute.of("to", (long) DataType.FLOAT.code)), graph.longs(2))); // (B, T, 1)
        String pooled = switch (pooling.mode()) {
            case CLS -> graph.node("Gather", List.of(hidden, graph.int64Scalar(0)), Attribute.of("axis", 1L));
            case MEAN -> {
                String sum = graph.node("ReduceSum", List.of(graph.node("Mul", List.of(hidden, real)), graph.longs(1)),
                        Attribute.of("keepdims", 0L)); // (B, H)
                String counts = graph.node("Max", List.of(graph.node("ReduceSum", List.of(real, graph.longs(1)),
                        Attribute.of("keepdims", 0L)), graph.scalar(1e-9f))); // (B, 1)
                yield graph.node("Div", List.of(sum, counts));
            }
            case MAX -> {
                String padding = graph.node("Mul", List.of(graph.node("Sub", List.of(real, graph.scalar(1f))),
                        graph.scalar(1e9f))); // 0 or −1e9, (B, T, 1)
                yield graph.node("ReduceMax", List.of(graph.node("Add", List.of(hidden, padding))),
                        Attribute.ints("axes", 1), Attribute.of("keepdims", 0L)); // (B, H)
            }
        };
        if (!pooling.normalize()) {
            return pooled;
        }
        String norms = graph.node("Max", List.of(graph.node("ReduceL2", List.of(pooled), Attribute.ints("axes", 1),
                Attribute.of("keepdims", 1L)), graph.scalar(1e-12f))); // (B, 1)
        return graph.node("Div", List.of(pooled, norms));
    }
}
