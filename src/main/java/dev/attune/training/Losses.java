package dev.attune.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** Loss functions, as torch.nn.functional computes them. */
public final class Losses {

    private Losses() {
    }

    /** Mean cross-entropy of (B, C) logits against label ids: torch.nn.CrossEntropyLoss(). */
    public static NDArray crossEntropy(NDArray logits, int[] labels, NDManager scope) {
        NDArray oneHot = scope.create(labels).oneHot((int) logits.getShape().get(1)).toType(DataType.FLOAT32, false);
        return logits.logSoftmax(-1).mul(oneHot).sum(new int[] {1}).mean().neg(); // ()
    }
}
