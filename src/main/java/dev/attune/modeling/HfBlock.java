package dev.attune.modeling;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;

/**
 * Base of every block mirroring a Hugging Face module. Parameters are never initialised by DJL's
 * shape inference: {@link WeightBinder} sets each one from the checkpoint (or, for a missing head,
 * from transformers' initialisation), so shape inference is not needed.
 */
public abstract class HfBlock extends AbstractBlock {

    /** Adds a child under its Hugging Face attribute name (DJL prefixes a counter; {@link ParameterNames} strips it). */
    protected final <B extends HfBlock> B child(String hfName, B block) {
        return addChildBlock(hfName, block);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no static output shape");
    }

    /** Initialised once every parameter holds an array (DJL's default also wants input shapes). */
    @Override
    public boolean isInitialized() {
        for (Pair<String, Parameter> parameter : getParameters()) {
            if (!parameter.getValue().isInitialized()) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        throw new IllegalStateException("Hugging Face blocks are initialised by WeightBinder, not by DJL");
    }

    /** Runs one child block with the same store and mode. */
    protected static NDList run(HfBlock block, ParameterStore store, NDList inputs, boolean training) {
        return block.forward(store, inputs, training, (PairList<String, Object>) null);
    }
}
