package dev.attune.training;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.attune.checkpoint.Safetensors;
import dev.attune.checkpoint.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW: decay is skipped for
 * biases and LayerNorm weights, as transformers' Trainer does. Uses DJL's fused native update; its
 * per-element clipping is switched off because clipping is by global norm ({@link #step}'s rescale).
 */
public final class AdamW implements AutoCloseable {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    /** A trainable parameter: its weight array and whether weight decay applies to it. */
    public record Trainable(String name, NDArray weight, boolean decay) {
    }

    private final List<Trainable> parameters;
    private final List<NDArray> means = new ArrayList<>();
    private final List<NDArray> variances = new ArrayList<>();
    private final NDManager stateManager;
    private final float weightDecay;
    private int steps;

    public AdamW(List<Trainable> parameters, double weightDecay, NDManager parent) {
        this.parameters = List.copyOf(parameters);
        this.weightDecay = (float) weightDecay;
        this.stateManager = parent.newSubManager();
        for (Trainable parameter : parameters) {
            means.add(stateManager.zeros(parameter.weight().getShape(), parameter.weight().getDataType()));
            variances.add(stateManager.zeros(parameter.weight().getShape(), parameter.weight().getDataType()));
        }
    }

    public List<Trainable> parameters() {
        return parameters;
    }

    /**
     * One update from the accumulated gradients, then zeroes them.
     *
     * @param rescale factor applied to every gradient first (global-norm clipping)
     */
    public void step(double learningRate, double rescale) {
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps);
        double correction2 = 1 - Math.pow(BETA2, steps);
        float lr = (float) learningRate;
        float lrCorrected = (float) (learningRate * Math.sqrt(correction2) / correction1);
        for (int i = 0; i < parameters.size(); i++) {
            Trainable parameter = parameters.get(i);
            NDArray weight = parameter.weight();
            try (NDArray grad = weight.getGradient()) {
                weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, means.get(i), variances.get(i)),
                        new NDList(weight), lr, lrCorrected, parameter.decay() ? weightDecay : 0f, (float) rescale,
                        -1f, BETA1, BETA2, EPSILON, true, true);
                grad.muli(0);
            }
        }
    }

    /** Drops the accumulated gradients without a step (a skipped fp16 step). */
    public void zeroGradients() {
        for (Trainable parameter : parameters) {
            try (NDArray grad = parameter.weight().getGradient()) {
                grad.muli(0);
            }
        }
    }

    /** Saves the moments and the step count (safetensors: m.NAME, v.NAME, and a one-element "steps"). */
    void save(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            long[] shape = means.get(i).getShape().getShape();
            tensors.put("m." + parameters.get(i).name(), new Tensor("F32", shape, means.get(i).toFloatArray()));
            tensors.put("v." + parameters.get(i).name(), new Tensor("F32", shape, variances.get(i).toFloatArray()));
        }
        tensors.put("steps", new Tensor("F32", new long[] {1}, new float[] {steps}));
        Safetensors.writeF32(file, tensors);
    }

    /** Restores what {@link #save} wrote, for the same trainable parameters. */
    void restore(Path file) {
        var tensors = Safetensors.read(file);
        for (int i = 0; i < parameters.size(); i++) {
            means.get(i).set(tensors.get("m." + parameters.get(i).name()).data());
            variances.get(i).set(tensors.get("v." + parameters.get(i).name()).data());
        }
        steps = (int) tensors.get("steps").data()[0];
    }

    int steps() {
        return steps;
    }

    /** L2 norm of all gradients together. */
    public double gradientNorm() {
        double sum = 0;
        for (Trainable parameter : parameters) {
            // results of ops on a gradient belong to the parameter's manager: close each one
            try (NDArray grad = parameter.weight().getGradient(); NDArray squares = grad.square();
                    NDArray total = squares.sum()) {
                sum += total.getFloat();
            }
        }
        return Math.sqrt(sum);
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
