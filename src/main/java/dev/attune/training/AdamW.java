package dev.attune.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.IValue;
import dev.attune.checkpoint.Safetensors;
import dev.attune.checkpoint.Tensor;
import dev.attune.modeling.TorchScriptModule;

/**
 * AdamW as torch.optim.AdamW(fused=True), with the step around it done on the device: one TorchScript call
 * unscales the gradients (fp16's loss scale), clips them by global norm as torch.nn.utils.clip_grad_norm_,
 * runs libtorch's fused AdamW kernel over all parameters (decay skipped for biases and LayerNorm weights, as
 * transformers' Trainer does), skips the step when the gradients are non-finite, updates the dynamic loss
 * scale as torch.amp.GradScaler does, and zeroes the gradients. Nothing is read back to the host: a step
 * costs one call instead of several per parameter tensor, and a GPU never waits for the JVM. What the host
 * needs (skipped steps, the loss scale) it reads when it reports ({@link #skippedSteps}, {@link #lossScale}).
 */
public final class AdamW implements AutoCloseable {

    private static final String KERNEL = """
                def step(self: __torch__.AdamWStep, decayed: List[Tensor], decayed_grads: List[Tensor],
                         decayed_means: List[Tensor], decayed_variances: List[Tensor], plain: List[Tensor],
                         plain_grads: List[Tensor], plain_means: List[Tensor], plain_variances: List[Tensor],
                         step: Tensor, scale: Tensor, growth_tracker: Tensor, skipped: Tensor,
                         lr: float, weight_decay: float, max_norm: float, dynamic: bool) -> Tensor:
                    # in-place list ops take the argument lists themselves (libtorch drops mutations of a
                    # concatenated list as dead code); foreach ops refuse empty lists
                    norms: List[Tensor] = []
                    if len(decayed) > 0:
                        norms = norms + torch._foreach_norm(decayed_grads, 2.0)
                    if len(plain) > 0:
                        norms = norms + torch._foreach_norm(plain_grads, 2.0)
                    norm = torch.linalg_vector_norm(torch.stack(norms), 2.0) / scale
                    found_inf = torch.to(torch.logical_not(torch.isfinite(norm)), 6)
                    if max_norm > 0.0 or dynamic:
                        factor = torch.reciprocal(scale)
                        if max_norm > 0.0:
                            factor = torch.clamp(torch.reciprocal(norm + 1e-6) * max_norm, None, 1.0) / scale
                        if len(decayed) > 0:
                            torch._foreach_mul_(decayed_grads, factor)
                        if len(plain) > 0:
                            torch._foreach_mul_(plain_grads, factor)
                    step.add_(1.0)
                    if len(decayed) > 0:
                        torch._fused_adamw_(decayed, decayed_grads, decayed_means, decayed_variances, [],
                                            [step for _ in decayed], lr=lr, beta1=0.9, beta2=0.999,
                                            weight_decay=weight_decay, eps=1e-8, amsgrad=False, maximize=False,
                                            grad_scale=None, found_inf=found_inf)
                    if len(plain) > 0:
                        torch._fused_adamw_(plain, plain_grads, plain_means, plain_variances, [],
                                            [step for _ in plain], lr=lr, beta1=0.9, beta2=0.999,
                                            weight_decay=0.0, eps=1e-8, amsgrad=False, maximize=False,
                                            grad_scale=None, found_inf=found_inf)
                    step.sub_(found_inf)
                    skipped.add_(found_inf)
                    if dynamic:
                        torch._amp_update_scale_(scale, growth_tracker, found_inf, 2.0, 0.5, %d)
                    if len(decayed) > 0:
                        torch._foreach_zero_(decayed_grads)
                    if len(plain) > 0:
                        torch._foreach_zero_(plain_grads)
                    return norm
            """.formatted(LossScale.GROWTH_INTERVAL);

    /** A trainable parameter: its weight array and whether weight decay applies to it. */
    public record Trainable(String name, NDArray weight, boolean decay) {
    }

    private final List<Trainable> parameters;
    private final List<NDArray> means = new ArrayList<>();
    private final List<NDArray> variances = new ArrayList<>();
    private final NDManager stateManager;
    private final float weightDecay;
    private final boolean dynamicScale;
    /** Steps applied (float: libtorch's fused kernel reads it so). */
    private final NDArray steps;
    private final NDArray scale;
    /** Good steps since the scale last changed (GradScaler's growth tracker). */
    private final NDArray growthTracker;
    private final NDArray skipped;

    /** An optimizer without loss scaling. */
    public AdamW(List<Trainable> parameters, double weightDecay, NDManager parent) {
        this(parameters, weightDecay, parent, LossScale.NONE);
    }

    /** @param lossScale the loss scale to start from (fp16: dynamic; else {@link LossScale#NONE}) */
    public AdamW(List<Trainable> parameters, double weightDecay, NDManager parent, LossScale lossScale) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("nothing to train");
        }
        this.parameters = List.copyOf(parameters);
        this.weightDecay = (float) weightDecay;
        this.dynamicScale = lossScale.isDynamic();
        this.stateManager = parent.newSubManager();
        for (Trainable parameter : parameters) {
            NDArray weight = parameter.weight();
            means.add(stateManager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice()));
            variances.add(stateManager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice()));
        }
        Device device = parameters.get(0).weight().getDevice(); // the fused kernel wants every tensor there
        steps = stateManager.zeros(new Shape(), DataType.FLOAT32, device);
        scale = stateManager.full(new Shape(), (float) lossScale.scale(), DataType.FLOAT32, device);
        growthTracker = stateManager.full(new Shape(), lossScale.goodSteps(), DataType.INT32, device);
        skipped = stateManager.zeros(new Shape(), DataType.FLOAT32, device);
    }

    /**
     * One step from the accumulated gradients, then zeroes them; no host synchronisation. A step whose
     * gradients are non-finite changes no weight and counts in {@link #skippedSteps}.
     *
     * @param maxGradNorm global-norm clipping threshold; 0 or less: no clipping
     */
    public void step(double learningRate, double maxGradNorm) {
        List<PtNDArray> decayed = new ArrayList<>();
        List<PtNDArray> decayedGrads = new ArrayList<>();
        List<PtNDArray> decayedMeans = new ArrayList<>();
        List<PtNDArray> decayedVariances = new ArrayList<>();
        List<PtNDArray> plain = new ArrayList<>();
        List<PtNDArray> plainGrads = new ArrayList<>();
        List<PtNDArray> plainMeans = new ArrayList<>();
        List<PtNDArray> plainVariances = new ArrayList<>();
        try {
            for (int i = 0; i < parameters.size(); i++) {
                Trainable parameter = parameters.get(i);
                boolean decay = parameter.decay() && weightDecay != 0;
                (decay ? decayed : plain).add((PtNDArray) parameter.weight());
                (decay ? decayedGrads : plainGrads).add((PtNDArray) parameter.weight().getGradient());
                (decay ? decayedMeans : plainMeans).add((PtNDArray) means.get(i));
                (decay ? decayedVariances : plainVariances).add((PtNDArray) variances.get(i));
            }
            IValue norm = run("step", list(decayed), list(decayedGrads), list(decayedMeans), list(decayedVariances),
                    list(plain), list(plainGrads), list(plainMeans), list(plainVariances), IValue.from((PtNDArray) steps),
                    IValue.from((PtNDArray) scale), IValue.from((PtNDArray) growthTracker),
                    IValue.from((PtNDArray) skipped), IValue.from(learningRate), IValue.from((double) weightDecay),
                    IValue.from(maxGradNorm), IValue.from(dynamicScale));
            norm.close();
        } finally {
            decayedGrads.forEach(NDArray::close); // handles to the gradients, which stay with their parameters
            plainGrads.forEach(NDArray::close);
        }
    }

    /** Steps skipped so far because their gradients were non-finite (reads the device). */
    public long skippedSteps() {
        return (long) skipped.getFloat();
    }

    /** The loss scale now (reads the device); {@link LossScale#NONE} without dynamic scaling. */
    LossScale lossScale() {
        return dynamicScale ? LossScale.restored(scale.getFloat(), growthTracker.getInt()) : LossScale.NONE;
    }

    /** The loss scale as a tensor on the device, for multiplying the loss before backward. */
    NDArray lossScaleTensor() {
        return scale;
    }

    private IValue run(String method, IValue... arguments) {
        try {
            return TorchScriptModule.run(steps.getDevice(), "AdamWStep", () -> KERNEL, method, arguments);
        } finally {
            for (IValue argument : arguments) {
                argument.close();
            }
        }
    }

    private static IValue list(List<PtNDArray> arrays) {
        return IValue.listFrom(arrays.toArray(PtNDArray[]::new));
    }

    /** Saves the moments and the step count (safetensors: m.NAME, v.NAME, and a one-element "steps"). */
    void save(Path file) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            long[] shape = means.get(i).getShape().getShape();
            tensors.put("m." + parameters.get(i).name(), new Tensor("F32", shape, means.get(i).toFloatArray()));
            tensors.put("v." + parameters.get(i).name(), new Tensor("F32", shape, variances.get(i).toFloatArray()));
        }
        tensors.put("steps", new Tensor("F32", new long[] {1}, new float[] {steps()}));
        Safetensors.writeF32(file, tensors);
    }

    /** Restores what {@link #save} wrote, for the same trainable parameters. */
    void restore(Path file) {
        var tensors = Safetensors.read(file);
        for (int i = 0; i < parameters.size(); i++) {
            means.get(i).set(tensors.get("m." + parameters.get(i).name()).data());
            variances.get(i).set(tensors.get("v." + parameters.get(i).name()).data());
        }
        steps.set(new float[] {tensors.get("steps").data()[0]});
    }

    int steps() {
        return (int) steps.getFloat();
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
