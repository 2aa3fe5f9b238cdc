package dev.attune.modeling;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** torch.nn.ModuleList: children named 0, 1, 2... as in Hugging Face parameter names. */
public final class HfList<B extends HfBlock> extends HfBlock {

    private final List<B> items = new ArrayList<>();

    public HfList(List<B> blocks) {
        for (B block : blocks) {
            items.add(child(Integer.toString(items.size()), block));
        }
    }

    public List<B> items() {
        return items;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("iterate items() instead");
    }
}
