package dev.attune.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** torch.nn.Embedding: a lookup table "weight" of shape (count, dim) indexed by int64 ids. */
public final class Embedding extends HfBlock implements ExpectsShapes {

    private final long count;
    private final long dim;
    private final Parameter weight;

    public Embedding(long count, long dim) {
        this.count = count;
        this.dim = dim;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow(); // (B, T) int64
        NDArray given = WordEmbeddingOverride.outputOf(this, ids); // explanations start from embeddings
        if (given != null) {
            return new NDList(given); // (B, T, dim)
        }
        NDArray table = store.getValue(weight, ids.getDevice(), training); // (count, dim)
        return ai.djl.nn.core.Embedding.embedding(ids, table, SparseFormat.DENSE); // (B, T, dim)
    }

    public NDArray apply(ParameterStore store, NDArray ids, boolean training) {
        return forward(store, new NDList(ids), training).singletonOrThrow();
    }

    @Override
    public Shape expectedShape(String parameterName) {
        return new Shape(count, dim);
    }

    @Override
    public ParameterInit init(String parameterName) {
        return ParameterInit.NORMAL;
    }
}
