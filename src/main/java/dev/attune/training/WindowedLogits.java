package dev.attune.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Validation of a sliding-window model as it is served: each text's logits the mean of its windows' logits
 * ({@code TextClassifier.outputsOfWindows} at serving), over a source whose examples are the windows. Evaluation
 * only: training reads every window as an example of its own.
 */
final class WindowedLogits implements LogitsSource {

    /** Windows per forward pass. */
    private static final int PASS = 64;

    private final LogitsSource windows;
    /** Where each text's windows start in {@code windows}, then the end: texts + 1 entries. */
    private final int[] starts;
    private final Targets targets;

    WindowedLogits(LogitsSource windows, int[] starts) {
        this.windows = windows;
        this.starts = starts;
        int[] firsts = new int[starts.length - 1];
        System.arraycopy(starts, 0, firsts, 0, firsts.length);
        this.targets = windows.targets().select(firsts); // every window carries its text's target
    }

    @Override
    public int size() {
        return starts.length - 1;
    }

    @Override
    public Targets targets() {
        return targets;
    }

    @Override
    public List<int[]> trainingBatches(int batchSize, Random random) {
        throw new UnsupportedOperationException("windows are trained on one by one; averaging is for evaluation");
    }

    /** Consecutive texts, up to {@code batchSize} windows a batch (a text with more windows alone). */
    @Override
    public List<int[]> evaluationBatches(int batchSize) {
        List<int[]> batches = new ArrayList<>();
        int first = 0;
        while (first < size()) {
            int last = first + 1;
            while (last < size() && starts[last + 1] - starts[first] <= batchSize) {
                last++;
            }
            int[] batch = new int[last - first];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = first + i;
            }
            batches.add(batch);
            first = last;
        }
        return batches;
    }

    @Override
    public NDArray logits(NDManager scope, int[] indices, boolean training) {
        int count = 0;
        for (int text : indices) {
            count += starts[text + 1] - starts[text];
        }
        int[] windowIndices = new int[count];
        float[] mean = new float[indices.length * count]; // (B, W): 1/n where window w belongs to text b
        int next = 0;
        for (int b = 0; b < indices.length; b++) {
            int n = starts[indices[b] + 1] - starts[indices[b]];
            for (int w = starts[indices[b]]; w < starts[indices[b] + 1]; w++, next++) {
                windowIndices[next] = w;
                mean[b * count + next] = 1f / n;
            }
        }
        NDArray perWindow = windowLogits(scope, windowIndices); // (W, C)
        return scope.create(mean, new Shape(indices.length, count)).matMul(perWindow); // (B, C)
    }

    /**
     * The windows' logits, run {@value #PASS} at a time each in a scope of its own (a text's windows are unbounded:
     * a long validation text must not become one huge forward pass).
     */
    private NDArray windowLogits(NDManager scope, int[] windowIndices) {
        List<float[]> rows = new ArrayList<>(windowIndices.length);
        int columns = 0;
        for (int from = 0; from < windowIndices.length; from += PASS) {
            int[] pass = java.util.Arrays.copyOfRange(windowIndices, from, Math.min(windowIndices.length, from + PASS));
            try (NDManager passScope = scope.newSubManager()) {
                NDArray logits = windows.logits(passScope, pass, false); // (P, C)
                columns = (int) logits.getShape().get(1);
                float[] flat = logits.toFloatArray();
                for (int i = 0; i < pass.length; i++) {
                    rows.add(java.util.Arrays.copyOfRange(flat, i * columns, (i + 1) * columns));
                }
            }
        }
        float[] all = new float[rows.size() * columns];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, all, i * columns, columns);
        }
        return scope.create(all, new Shape(rows.size(), columns));
    }
}
