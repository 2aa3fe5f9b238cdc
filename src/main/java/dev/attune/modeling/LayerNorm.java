package dev.attune.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** torch.nn.LayerNorm over the last dimension, parameters "weight" (gamma) and "bias" (beta). */
public final class LayerNorm extends HfBlock implements ExpectsShapes {

    private final long size;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    public LayerNorm(long size, double eps) {
        this.size = size;
        this.eps = (float) eps;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA).build());
        this.bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BETA).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow(); // (..., size)
        NDArray gamma = store.getValue(weight, x.getDevice(), training);
        NDArray beta = store.getValue(bias, x.getDevice(), training);
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(size), gamma, beta, eps);
    }

    public NDArray apply(ParameterStore store, NDArray x, boolean training) {
        return forward(store, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public Shape expectedShape(String parameterName) {
        return new Shape(size);
    }

    @Override
    public ParameterInit init(String parameterName) {
        return "weight".equals(parameterName) ? ParameterInit.ONES : ParameterInit.ZEROS;
    }
}
