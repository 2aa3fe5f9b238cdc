package dev.attune.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records gradients on the calling thread, as training's {@code ThreadGradients} does: DJL's GradientCollector
 * allows one per process, and a fine-tuning run may hold it; libtorch's grad mode is per thread.
 */
final class GradientMode implements AutoCloseable {

    private final boolean wasRecording;

    GradientMode() {
        wasRecording = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Back-propagates a scalar into the arrays that require gradients (here: the interpolated embeddings alone). */
    void backward(NDArray scalar) {
        NDArray seed = scalar.onesLike(); // in the scalar's own (per-pass) scope
        JniUtils.backward((PtNDArray) scalar, (PtNDArray) seed, false, false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(wasRecording);
    }
}
