package dev.attune.checkpoint;

import java.util.Arrays;

import ai.djl.ndarray.types.Shape;

/** One tensor read from a checkpoint, upcast to float32; {@code dtype} is what the file stored. */
public record Tensor(String dtype, long[] shape, float[] data) {

    public Shape djlShape() {
        return new Shape(shape);
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
