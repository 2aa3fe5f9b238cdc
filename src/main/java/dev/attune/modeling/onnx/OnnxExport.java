package dev.attune.modeling.onnx;

import java.util.List;
import java.util.Map;

import dev.attune.checkpoint.Tensor;
import dev.attune.modeling.ModelConfig;
import dev.attune.modeling.SentencePooling;
import dev.attune.modeling.onnx.OnnxGraph.Attribute;
import dev.attune.modeling.onnx.OnnxGraph.DataType;

/**
 * Writes a sequence classifier as an ONNX graph (opset 17) that ONNX Runtime and other ONNX tools run:
 * inputs named as Hugging Face optimum names them ({@code input_ids}, {@code attention_mask}, and
 * {@code token_type_ids} for BERT), dynamic batch and sequence axes, output {@code logits} (B, C). The graph
 * mirrors transformers' modeling files op for op (exact-erf GELU, additive attention mask), so ONNX Runtime's
 * optimizer recognises and fuses its layer norms, GELUs and attention.
 *
 * <p>{@link Weights#INT8}: every encoder linear layer becomes dynamic int8 quantization in standard ops
 * ({@link Int8Linear}): the activations quantized per token row at run time (uint8), the weights ahead of time
 * (int8, symmetric, one scale per output column), an integer product ({@code MatMulInteger}) rescaled to float.
 * Per row, not per batch as onnxruntime.quantization.quantize_dynamic does: a text's answer must not depend on
 * its neighbours in the batch. Embeddings, layer norms, attention scores and the classification head stay fp32.
 */
public final class OnnxExport {

    /** How the encoder's linear layers store and multiply their weights. */
    public enum Weights {
        FP32, INT8
    }

    public static final String LOGITS = "logits";

    private OnnxExport() {
    }

    /** The graph's input names, in order, for this architecture. */
    public static List<String> inputNames(ModelConfig config) {
        return "bert".equals(config.modelType()) ? List.of("input_ids", "attention_mask", "token_type_ids")
                : List.of("input_ids", "attention_mask");
    }

    /**
     * @param weights every parameter by its Hugging Face name (as {@code ClassifierModel.tensors()} gives them)
     */
    public static byte[] export(ModelConfig config, Map<String, Tensor> weights, Weights kind) {
        return new EncoderGraph(config, weights, kind == Weights.INT8).build();
    }

    /** A graph and the initializers written into it (each also in the graph's bytes). */
    record Exported(byte[] model, List<OnnxGraph.Initializer> initializers) {
    }

    /** As {@link #export}, keeping the initializers too: a session may take them from a pool shared with others. */
    static Exported exportKeepingInitializers(ModelConfig config, Map<String, Tensor> weights, Weights kind) {
        EncoderGraph encoder = new EncoderGraph(config, weights, kind == Weights.INT8);
        encoder.graph.keepInitializers();
        byte[] model = encoder.build();
        return new Exported(model, encoder.graph.initializers());
    }

    /** One export: the graph and the weights it reads from. */
    private static final class EncoderGraph {

        private final OnnxGraph graph = new OnnxGraph();
        private final ModelConfig config;
        private final Map<String, Tensor> weights;
        private final boolean int8;
        private final Int8Linear int8Linear = new Int8Linear(graph);
        private final boolean distilbert;
        /** "bert.", "roberta." or "distilbert.": the encoder's parameter prefix. */
        private final String base;

        EncoderGraph(ModelConfig config, Map<String, Tensor> weights, boolean int8) {
            this.config = config;
            this.weights = weights;
            this.int8 = int8;
            this.distilbert = "distilbert".equals(config.modelType());
            this.base = weights.keySet().stream().filter(name -> name.endsWith("embeddings.word_embeddings.weight"))
                    .findFirst().map(name -> name.substring(0, name.length() - "embeddings.word_embeddings.weight".length()))
                    .orElseThrow(() -> new IllegalArgumentException("no word embeddings among the weights"));
        }

        byte[] build() {
            List<String> names = inputNames(config);
            for (String name : names) {
                graph.input(name, DataType.INT64, "batch_size", "sequence_length");
            }
            String ids = names.get(0);
            String hidden = embeddings(ids, names.size() > 2 ? names.get(2) : null); // (B, T, H)
            String maskBias = maskBias(names.get(1)); // (B, 1, 1, T)
            for (int layer = 0; layer < config.numLayers(); layer++) {
                hidden = distilbert ? distilBertLayer(hidden, maskBias, layer) : bertLayer(hidden, maskBias, layer);
            }
            SentencePooling setfit = SentencePooling.ofConfig(config.raw());
            String logits = setfit != null // a SetFit head: the pooled sentence embedding, then one linear layer
                    ? linear(SetFitPooling.embedding(graph, hidden, names.get(1), setfit), "classifier", false)
                    : head(graph.node("Gather", List.of(hidden, graph.int64Scalar(0)), Attribute.of("axis", 1L))); // (B, C)
            graph.identity(logits, LOGITS);
            graph.output(LOGITS, DataType.FLOAT, "batch_size", (long) config.numLabels());
            return graph.toModel("attune_" + config.modelType(), "attune",
                    config.modelType() + " sequence classifier" + (int8 ? ", int8 dynamic quantization" : ""));
        }

        /** word + position (+ token type) embeddings, then LayerNorm. */
        private String embeddings(String ids, String tokenTypes) {
            String prefix = base + "embeddings.";
            String words = graph.node("Gather", List.of(weight(prefix + "word_embeddings.weight"), ids)); // (B, T, H)
            String sum = graph.node("Add", List.of(words, graph.node("Gather",
                    List.of(weight(prefix + "position_embeddings.weight"), positionIds(ids)))));
            if (!distilbert) {
                String types = tokenTypes != null
                        ? graph.node("Gather", List.of(weight(prefix + "token_type_embeddings.weight"), tokenTypes))
                        : graph.node("Gather", List.of(weight(prefix + "token_type_embeddings.weight"),
                                graph.int64Scalar(0))); // RoBERTa: every token has type 0, (H)
                sum = graph.node("Add", List.of(sum, types));
            }
            return layerNorm(sum, prefix + "LayerNorm");
        }

        /**
         * BERT and DistilBERT: 0..T-1, (1, T). RoBERTa: transformers' create_position_ids_from_input_ids,
         * cumsum(not pad) * (not pad) + padding_idx, (B, T).
         */
        private String positionIds(String ids) {
            if ("bert".equals(config.modelType()) || distilbert) {
                String length = graph.node("Gather", List.of(graph.node("Shape", List.of(ids)), graph.int64Scalar(1)));
                String range = graph.node("Range", List.of(graph.int64Scalar(0), length, graph.int64Scalar(1))); // (T)
                return graph.node("Unsqueeze", List.of(range, graph.longs(0))); // (1, T)
            }
            String notPad = graph.node("Cast", List.of(graph.node("Not", List.of(graph.node("Equal",
                    List.of(ids, graph.int64Scalar(config.padTokenId())))))), Attribute.of("to", (long) DataType.INT64.code));
            String counted = graph.node("Mul", List.of(graph.node("CumSum", List.of(notPad, graph.int64Scalar(1))), notPad));
            return graph.node("Add", List.of(counted, graph.int64Scalar(config.padTokenId()))); // (B, T)
        }

        /** (1 - mask) * float32 min, (B, 1, 1, T): added to the attention scores, as transformers does. */
        private String maskBias(String mask) {
            String asFloat = graph.node("Cast", List.of(mask), Attribute.of("to", (long) DataType.FLOAT.code));
            String inverted = graph.node("Sub", List.of(graph.scalar(1f), asFloat));
            String bias = graph.node("Mul", List.of(inverted, graph.scalar(-Float.MAX_VALUE)));
            return graph.node("Unsqueeze", List.of(bias, graph.longs(1, 2)));
        }

        private String bertLayer(String x, String maskBias, int layer) {
            String p = base + "encoder.layer." + layer + ".";
            String context = attention(x, maskBias, p + "attention.self.query", p + "attention.self.key",
                    p + "attention.self.value");
            String attended = layerNorm(graph.node("Add", List.of(linear(context, p + "attention.output.dense"), x)),
                    p + "attention.output.LayerNorm");
            String inner = activation(linear(attended, p + "intermediate.dense"));
            return layerNorm(graph.node("Add", List.of(linear(inner, p + "output.dense"), attended)),
                    p + "output.LayerNorm");
        }

        private String distilBertLayer(String x, String maskBias, int layer) {
            String p = base + "transformer.layer." + layer + ".";
            String context = attention(x, maskBias, p + "attention.q_lin", p + "attention.k_lin", p + "attention.v_lin");
            String attended = layerNorm(graph.node("Add", List.of(linear(context, p + "attention.out_lin"), x)),
                    p + "sa_layer_norm");
            String inner = activation(linear(attended, p + "ffn.lin1"));
            return layerNorm(graph.node("Add", List.of(linear(inner, p + "ffn.lin2"), attended)),
                    p + "output_layer_norm");
        }

        /** Multi-head self-attention up to the context (B, T, H), before the output projection. */
        private String attention(String x, String maskBias, String query, String key, String value) {
            long heads = config.numHeads();
            long headDim = config.headDim();
            String split = graph.longs(0, 0, heads, headDim);
            String q = graph.node("Transpose", List.of(graph.node("Reshape", List.of(linear(x, query), split))),
                    Attribute.ints("perm", 0, 2, 1, 3)); // (B, h, T, d)
            String kT = graph.node("Transpose", List.of(graph.node("Reshape", List.of(linear(x, key), split))),
                    Attribute.ints("perm", 0, 2, 3, 1)); // (B, h, d, T)
            String v = graph.node("Transpose", List.of(graph.node("Reshape", List.of(linear(x, value), split))),
                    Attribute.ints("perm", 0, 2, 1, 3)); // (B, h, T, d)
            String scores = graph.node("Div", List.of(graph.node("MatMul", List.of(q, kT)),
                    graph.scalar((float) Math.sqrt(headDim)))); // (B, h, T, T)
            String probabilities = graph.node("Softmax", List.of(graph.node("Add", List.of(scores, maskBias))),
                    Attribute.of("axis", -1L));
            String context = graph.node("Transpose", List.of(graph.node("MatMul", List.of(probabilities, v))),
                    Attribute.ints("perm", 0, 2, 1, 3)); // (B, T, h, d)
            return graph.node("Reshape", List.of(context, graph.longs(0, 0, heads * headDim))); // (B, T, H)
        }

        /** The classification head on the first token's hidden state (B, H) → logits (B, C). */
        private String head(String first) {
            return switch (config.modelType()) {
                case "bert" -> linear(graph.node("Tanh", List.of(linear(first, base + "pooler.dense"))), "classifier",
                        false);
                case "distilbert" -> linear(graph.node("Relu", List.of(linear(first, "pre_classifier", false))),
                        "classifier", false);
                default -> linear(graph.node("Tanh", List.of(linear(first, "classifier.dense", false))),
                        "classifier.out_proj", false);
            };
        }

        /** transformers' exact GELU, 0.5 x (1 + erf(x / √2)), in the order ONNX Runtime fuses; or ReLU. */
        private String activation(String x) {
            if ("relu".equals(config.activation())) {
                return graph.node("Relu", List.of(x));
            }
            String erf = graph.node("Erf", List.of(graph.node("Div", List.of(x, graph.scalar((float) Math.sqrt(2))))));
            String scaled = graph.node("Mul", List.of(x, graph.node("Add", List.of(erf, graph.scalar(1f)))));
            return graph.node("Mul", List.of(scaled, graph.scalar(0.5f)));
        }

        private String layerNorm(String x, String name) {
            return graph.node("LayerNormalization", List.of(x, weight(name + ".weight"), weight(name + ".bias")),
                    Attribute.of("axis", -1L), Attribute.of("epsilon", (float) config.layerNormEps()));
        }

        private String linear(String x, String name) {
            return linear(x, name, int8);
        }

        /** torch.nn.Linear: x Wᵀ + b, Wᵀ stored (in, out); int8: x quantized per row at run time, int8 Wᵀ. */
        private String linear(String x, String name, boolean quantized) {
            Tensor w = tensor(name + ".weight");
            int out = (int) w.shape()[0];
            int in = (int) w.shape()[1];
            String bias = weight(name + ".bias");
            if (!quantized) {
                float[] transposed = new float[in * out];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        transposed[i * out + o] = w.data()[o * in + i];
                    }
                }
                String product = graph.node("MatMul", List.of(x, graph.floats(name + ".weight_t", new long[] {in, out},
                        transposed)));
                return graph.node("Add", List.of(product, bias));
            }
            return int8Linear.apply(x, name, w.data(), out, in, bias);
        }

        /** A weight as an initializer under its Hugging Face name. */
        private String weight(String name) {
            Tensor tensor = tensor(name);
            return graph.floats(name, tensor.shape(), tensor.data());
        }

        private Tensor tensor(String name) {
            Tensor tensor = weights.get(name);
            if (tensor == null) {
                throw new IllegalArgumentException("the model has no parameter '" + name + "' for its "
                        + config.modelType() + " ONNX graph");
            }
            return tensor;
        }
    }
}
