package dev.attune.modeling;

import java.util.ArrayList;
import java.util.List;

/**
 * A loaded sequence classifier, whatever engine runs it (libtorch through DJL, or ONNX Runtime on the
 * exported graph). The one inference path: /predict, batch scoring and the golden-parity tests all call
 * {@link #logits} (or {@link #outputs}, which turns logits into what the problem type means).
 */
public interface TextClassifier extends AutoCloseable {

    /** Its config, tokenizer and what it reads and decides with, as one copy (a model in training may replace it). */
    ClassifierFacts facts();

    default ModelConfig config() {
        return facts().config();
    }

    default TextEncoder textEncoder() {
        return facts().textEncoder();
    }

    /** A multi-label model's threshold per label, in label order; null for other models or before tuning. */
    default List<Double> thresholds() {
        return facts().thresholds();
    }

    /** The temperatures its probabilities are scaled by; null: served as the logits give them. */
    default Calibration calibration() {
        return facts().calibration();
    }

    /** How it reads a text longer than its maxLength (the rule it was trained with); truncation by default. */
    default WindowRule windowRule() {
        return facts().windowRule();
    }

    /**
     * The tokens it reads per text (per window): the maxLength it was trained with ({@link TrainedLength}), else its
     * tokenizer's model_max_length.
     */
    default int maxLength() {
        return facts().maxLength();
    }

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
        return probabilities(groupedLogits(texts));
    }

    /**
     * As {@link #outputs(List)} for texts read in windows ({@link TextEncoder#windows}): every window of every
     * text runs in the same length-grouped batches, and a text's logits are the mean of its windows'.
     */
    default float[][] outputsOfWindows(List<List<TextEncoder.Tokens>> texts) {
        return probabilities(logitsOfWindows(texts));
    }

    /** Each text's logits: the mean of its windows' (uncalibrated; evaluation computes its loss from them). */
    default float[][] logitsOfWindows(List<List<TextEncoder.Tokens>> texts) {
        List<TextEncoder.Tokens> all = texts.stream().flatMap(List::stream).toList();
        return meanOfWindows(texts, groupedLogits(all));
    }

    /**
     * As {@link #logitsOfWindows(List)}, the windows run at most {@code pass} at a time: memory bounded whatever the
     * texts' lengths (evaluation reads hundreds of texts in one call).
     */
    default float[][] logitsOfWindows(List<List<TextEncoder.Tokens>> texts, int pass) {
        List<TextEncoder.Tokens> all = texts.stream().flatMap(List::stream).toList();
        float[][] perWindow = new float[all.size()][];
        for (int from = 0; from < all.size(); from += pass) {
            float[][] rows = logitsOfEach(all.subList(from, Math.min(all.size(), from + pass)));
            System.arraycopy(rows, 0, perWindow, from, rows.length);
        }
        return meanOfWindows(texts, perWindow);
    }

    /**
     * Logits of single windows, in order, run as length groups: a caller that runs a long request's windows in
     * several passes ({@code serving.MicroBatcher}) then averages them with {@link #meanOfWindows}.
     */
    default float[][] logitsOfEach(List<TextEncoder.Tokens> windows) {
        return groupedLogits(windows);
    }

    /** What {@link #outputs(List)} answers for these logits (calibrated probabilities, or a regression's values). */
    default float[][] outputsOfLogits(float[][] logits) {
        return probabilities(logits);
    }

    /** Each text's logits, the mean of its windows': {@code logits} holds every window of every text, in order. */
    static float[][] meanOfWindows(List<List<TextEncoder.Tokens>> texts, float[][] logits) {
        float[][] perText = new float[texts.size()][];
        int next = 0;
        for (int t = 0; t < texts.size(); t++) {
            int windows = texts.get(t).size();
            float[] mean = new float[logits[next].length];
            for (int w = 0; w < windows; w++, next++) {
                for (int c = 0; c < mean.length; c++) {
                    mean[c] += logits[next][c] / windows;
                }
            }
            perText[t] = mean;
        }
        return perText;
    }

    /** Logits of tokenized texts, in their order, run as length groups (each padded to its own longest). */
    private float[][] groupedLogits(List<TextEncoder.Tokens> texts) {
        float[][] logits = new float[texts.size()][];
        for (int[] group : LengthGroups.of(texts)) {
            List<TextEncoder.Tokens> members = new ArrayList<>(group.length);
            for (int index : group) {
                members.add(texts.get(index));
            }
            float[][] rows = logits(EncodedBatch.of(members, textEncoder().padId()));
            for (int i = 0; i < group.length; i++) {
                logits[group[i]] = rows[i];
            }
        }
        return logits;
    }

    /** Calibrated (when the model has a calibration) probabilities, or a regression's values. */
    private float[][] probabilities(float[][] logits) {
        ClassifierFacts facts = facts(); // one copy: a model in training may replace it meanwhile
        return ModelOutputs.of(facts.calibration() == null ? logits : facts.calibration().apply(logits),
                facts.config().problemType());
    }

    @Override
    void close();
}
