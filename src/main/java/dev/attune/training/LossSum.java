package dev.attune.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.IValue;
import dev.attune.modeling.TorchScriptModule;

/**
 * The training loss summed on the device between two reads, so that a step never waits for the host to
 * read its loss (on a GPU each read stops the queue of kernels). Non-finite losses are counted, not summed.
 */
final class LossSum implements AutoCloseable {

    private static final String KERNEL = """
                def add(self: __torch__.LossSum, total: Tensor, finite: Tensor, loss: Tensor) -> Tensor:
                    ok = torch.isfinite(loss)
                    total.add_(torch.where(ok, loss, torch.zeros_like(loss)))
                    finite.add_(torch.to(ok, 6))
                    return total
            """;

    /** What was summed since the last read: the mean of the finite losses, and how many batches were not. */
    record Window(double sum, int finite, int nonFinite) {

        double mean() {
            return finite == 0 ? Double.NaN : sum / finite;
        }
    }

    private final NDManager manager;
    private NDArray total;
    private NDArray finite;
    private int batches;

    LossSum(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** Adds one batch's (unscaled, 0-dimensional) loss. */
    void add(NDArray loss) {
        if (total == null) {
            total = manager.zeros(new Shape(), DataType.FLOAT32, loss.getDevice());
            finite = manager.zeros(new Shape(), DataType.FLOAT32, loss.getDevice());
        }
        IValue[] arguments = {IValue.from((PtNDArray) total), IValue.from((PtNDArray) finite),
                IValue.from((PtNDArray) loss)};
        try {
            TorchScriptModule.run(loss.getDevice(), "LossSum", () -> KERNEL, "add", arguments).close();
        } finally {
            for (IValue argument : arguments) {
                argument.close();
            }
        }
        batches++;
    }

    /** Reads the window since the last read (one host synchronisation) and starts a new one. */
    Window take() {
        if (total == null) {
            return new Window(0, 0, 0);
        }
        int finiteBatches = Math.round(finite.getFloat());
        Window window = new Window(total.getFloat(), finiteBatches, batches - finiteBatches);
        total.set(new float[] {0});
        finite.set(new float[] {0});
        batches = 0;
        return window;
    }

    @Override
    public void close() {
        manager.close();
    }
}
