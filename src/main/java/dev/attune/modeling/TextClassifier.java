package dev.attune.modeling;

import java.util.ArrayList;
import java.util.List;

/**
 * A loaded sequence classifier, whatever engine runs it (libtorch through DJL, or ONNX Runtime on the
 * exported graph). The one inference path: /predict, batch scoring and the golden-parity tests all call
 * {@link #logits} (or {@link #outputs}, which turns logits into what the problem type means).
 */
public interface TextClassifier extends AutoCloseable {

    ModelConfig config();

    TextEncoder textEncoder();

    /** A multi-label model's threshold per label, in label order; null for other models or before tuning. */
    List<Double> thresholds();

    /** (B, C) logits for an encoded batch, no gradients. */
    float[][] logits(EncodedBatch batch);

    /** What runs the model, for logs and the serving status: "onnxruntime int8", "libtorch bf16"... */
    String engine();

    default ProblemType problemType() {
        return config().problemType();
    }

    /**
     * Per text: softmax probabilities (single label), per-label sigmoid probabilities (multi-label) or the
     * predicted value (regression), as {@link ModelOutputs#of}.
     */
    default float[][] outputs(List<String> texts, int maxLength) {
        return outputs(textEncoder().tokens(texts, maxLength));
    }

    /** As {@link #outputs(List, int)} for text pairs (pairs: each text's second text; null for single texts). */
    default float[][] outputs(List<String> texts, List<String> pairs, int maxLength) {
        return outputs(textEncoder().tokens(texts, pairs, maxLength));
    }

    /**
     * As {@link #outputs(List, int)} for tokenized texts, in their order. They run in batches of similar
     * length ({@link LengthGroups}): each padded to its own longest text, little padding computed.
     */
    default float[][] outputs(List<TextEncoder.Tokens> texts) {
        float[][] outputs = new float[texts.size()][];
        for (int[] group : LengthGroups.of(texts)) {
            List<TextEncoder.Tokens> members = new ArrayList<>(group.length);
            for (int index : group) {
                members.add(texts.get(index));
            }
            float[][] rows = ModelOutputs.of(logits(EncodedBatch.of(members, textEncoder().padId())), problemType());
            for (int i = 0; i < group.length; i++) {
                outputs[group[i]] = rows[i];
            }
        }
        return outputs;
    }

    @Override
    void close();
}
