package dev.attune.checkpoint;

import java.util.Arrays;
import java.util.Map;

/**
 * A tensor holding NaN or an infinity. Such weights never become a model: an imported checkpoint or adapter and a
 * trained run's weights are refused with the tensor's name, before anything is stored.
 */
public final class NonFiniteWeights extends CheckpointException {

    private final String tensor;

    private NonFiniteWeights(String tensor, String message) {
        super(message);
        this.tensor = tensor;
    }

    /** The name of the first tensor found holding a non-finite value. */
    public String tensor() {
        return tensor;
    }

    /** Throws for the first tensor (in the map's order) that holds a NaN or an infinity. */
    public static void refuse(Map<String, Tensor> tensors) {
        tensors.forEach(NonFiniteWeights::refuse);
    }

    /** Throws when this tensor holds a NaN or an infinity, naming it, how many and where the first is. */
    public static void refuse(String name, Tensor tensor) {
        float[] data = tensor.data();
        int first = -1;
        int count = 0;
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                first = first < 0 ? i : first;
                count++;
            }
        }
        if (count > 0) {
            throw new NonFiniteWeights(name, "The tensor '" + name + "' " + Arrays.toString(tensor.shape()) + " holds "
                    + count + " non-finite value" + (count == 1 ? "" : "s") + " of " + data.length + " (" + data[first]
                    + " at flat index " + first + "); weights must be finite numbers");
        }
    }
}
