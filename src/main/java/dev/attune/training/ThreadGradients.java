package dev.attune.training;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records gradients on the calling thread, as DJL's GradientCollector does, without its limit of one
 * collector per process: libtorch's grad mode is per thread, so workers on several devices each record
 * their own graph at the same time.
 */
final class ThreadGradients implements AutoCloseable {

    private final boolean wasRecording;

    ThreadGradients() {
        wasRecording = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Back-propagates a scalar loss into the gradients of the parameters that require them. */
    void backward(NDArray loss) {
        NDArray seed = loss.onesLike(); // in the loss's own (per-batch) scope
        JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(wasRecording);
    }
}
