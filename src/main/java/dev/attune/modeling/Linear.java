package dev.attune.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * torch.nn.Linear: y = x W^T + b with W of shape (out, in), parameters "weight" and "bias"; plus a LoRA adapter's
 * update when one is active on this thread and adapts this layer ({@link LoraAdapter}).
 */
public final class Linear extends HfBlock implements ExpectsShapes {

    private final long in;
    private final long out;
    private final Parameter weight;
    private final Parameter bias;
    private volatile Precision precision = Precision.FP32;

    public Linear(long in, long out) {
        this.in = in;
        this.out = out;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
        this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow(); // (..., in)
        NDArray w = store.getValue(weight, x.getDevice(), training); // (out, in)
        NDArray b = store.getValue(bias, x.getDevice(), training); // (out)
        LoraAdapter adapter = LoraAdapter.active();
        if (adapter == null) {
            return new NDList(product(x, w, b));
        }
        LoraAdapter.Weights own = adapter.headOf(this); // an adapter's own head over a shared base
        if (own != null) {
            return new NDList(product(x, own.weight(), own.bias()));
        }
        LoraAdapter.Pair pair = adapter.pairOf(this);
        return new NDList(pair == null ? product(x, w, b) : LoraLinear.forward(x, adapter.dropped(x, training), w, b,
                pair, precision, adapter.settings().scale()));
    }

    private NDArray product(NDArray x, NDArray w, NDArray b) {
        return precision != Precision.FP32 ? CastLinear.linear(x, w, b, precision) // (..., out)
                : ai.djl.nn.core.Linear.linear(x, w, b).singletonOrThrow();
    }

    /** The precision of this layer's product from now on (the weights stay fp32); auto must be resolved first. */
    void usePrecision(Precision value) {
        if (value == Precision.AUTO) {
            throw new IllegalArgumentException("resolve auto with Precision.on(device) first");
        }
        precision = value;
    }

    public NDArray apply(ParameterStore store, NDArray x, boolean training) {
        return forward(store, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public Shape expectedShape(String parameterName) {
        return "weight".equals(parameterName) ? new Shape(out, in) : new Shape(out);
    }

    @Override
    public ParameterInit init(String parameterName) {
        return "weight".equals(parameterName) ? ParameterInit.NORMAL : ParameterInit.ZEROS;
    }
}
