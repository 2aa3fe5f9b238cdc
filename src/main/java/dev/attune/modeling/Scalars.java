package dev.attune.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands owned by libtorch. Use them instead of DJL's {@code add/sub/mul/div(Number)} on
 * anything autograd may see.
 *
 * <p>Why: DJL's {@code div(Number)} wraps the number in a tensor over a Java direct buffer
 * ({@code from_blob}, no copy) and closes it on return. torch's DivBackward keeps that tensor to
 * scale the gradient later, so backward read memory the garbage collector may already have freed
 * and reused: gradients became NaN or Infinity at random, more often under load (issue 13). A
 * tensor from {@code torch::full} owns its memory and is reference-counted by the graph.
 */
public final class Scalars {

    private Scalars() {
    }

    /** A 0-dimensional tensor holding {@code value}, with the dtype, device and manager of {@code like}. */
    public static NDArray of(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }
}
