package dev.attune.modeling;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.norm.Dropout;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Dropout, with the masks of a CPU drawn in Java.
 *
 * <p>Why: libtorch's CPU dropout draws its mask one element at a time from its Mersenne Twister, on one thread
 * (MKL's vectorised generator is used on Intel CPUs only): 14 ns an element on the AMD EPYC here, 22 ms for one
 * hidden-state mask at 16 × 256 tokens and 137 ms for one attention mask, 40% of a training step. Here a mask is
 * cut into chunks of {@value #CHUNK} elements, each drawn by a {@link SplittableRandom} seeded by one draw from
 * libtorch's generator and the chunk's index, on the common fork-join pool while libtorch waits: 0.3–0.6 ns an
 * element. The masks depend only on libtorch's seed (a job seeds it per batch), never on the number of threads.
 *
 * <p>Each element is kept when a 32-bit uniform draw is at least {@code rate × 2³²}: kept with probability
 * {@code 1 − rate} within 2⁻³², and scaled by {@code 1 / (1 − rate)} as libtorch's dropout does. GPUs keep
 * libtorch's own dropout (its CUDA kernel draws the mask in the same pass).
 */
public final class DropoutMasks {

    static final int CHUNK = 1 << 16;

    /** For side-by-side benchmarks only: draw the CPU's masks with libtorch again, as attune did before. */
    private static volatile boolean libtorchOnCpu;

    private DropoutMasks() {
    }

    /** Benchmarks compare against libtorch's own CPU dropout with this; the service never calls it. */
    public static void drawWithLibtorchOnCpu(boolean libtorch) {
        libtorchOnCpu = libtorch;
    }

    /** The most elements a mask drawn here holds (its bytes are addressed by an int); larger ones: libtorch's. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE / Float.BYTES;

    /** Whether a mask of {@code shape} for {@code x} is drawn here (a CPU array, not too large) rather than by libtorch. */
    static boolean drawnInJava(NDArray x, Shape shape) {
        return !libtorchOnCpu && !x.getDevice().isGpu() && shape.size() <= MAX_ELEMENTS;
    }

    /** x with each element zeroed with probability {@code rate} and the rest scaled by 1 / (1 − rate). */
    public static NDArray dropout(NDArray x, double rate) {
        if (!drawnInJava(x, x.getShape())) {
            return Dropout.dropout(x, (float) rate, true).singletonOrThrow();
        }
        return x.mul(scaledKeep(x.getManager(), x.getShape(), rate));
    }

    /**
     * A float32 mask of {@code shape} on the CPU (the caller checked {@link #drawnInJava}), owned by libtorch, in
     * {@code manager}: 1 / (1 − rate) where an
     * element is kept, 0 where it is dropped; x × mask is x's dropout. float32 (not bytes): libtorch multiplies
     * two float32 tensors with vector instructions, a float32 by a uint8 one element at a time.
     */
    static NDArray scaledKeep(NDManager manager, Shape shape, double rate) {
        if (shape.size() > MAX_ELEMENTS) {
            throw new IllegalArgumentException("a dropout mask of " + shape + " is libtorch's to draw (drawnInJava)");
        }
        long seed;
        try (NDArray draw = manager.randomInteger(0, Long.MAX_VALUE, new Shape(1), DataType.INT64)) {
            seed = draw.getLong();
        }
        NDArray mask = JniUtils.createEmptyNdArray((PtNDManager) manager, shape, DataType.FLOAT32, Device.cpu(),
                SparseFormat.DENSE);
        ByteBuffer bytes = JniUtils.getByteBuffer((PtNDArray) mask, true).order(ByteOrder.nativeOrder());
        if (!bytes.isDirect() || bytes.capacity() != shape.size() * Float.BYTES) { // a copy: writing it would be lost
            mask.close();
            throw new IllegalStateException("libtorch gave no view of the mask's memory");
        }
        fill(bytes, (int) shape.size(), seed, threshold(rate), (float) (1 / (1 - rate)));
        return mask;
    }

    /** The unsigned 32-bit value below which an element is dropped. */
    static long threshold(double rate) {
        return Math.round(rate * 0x1p32);
    }

    /**
     * Writes {@code size} float32 mask values (0 or {@code kept}), chunk by chunk in parallel; the same values for
     * any number of threads.
     */
    static void fill(ByteBuffer bytes, int size, long seed, long threshold, float kept) {
        long keptBits = Float.floatToRawIntBits(kept) & 0xFFFFFFFFL;
        boolean little = bytes.order() == ByteOrder.LITTLE_ENDIAN;
        int chunks = (size + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(chunk -> {
            SplittableRandom random = new SplittableRandom(chunkSeed(seed, chunk));
            int start = chunk * CHUNK;
            int end = Math.min(size, start + CHUNK);
            int i = start;
            for (; i + 2 <= end; i += 2) { // two elements from one 64-bit draw, written as one long
                long draw = random.nextLong();
                long first = (draw & 0xFFFFFFFFL) >= threshold ? keptBits : 0;
                long second = (draw >>> 32) >= threshold ? keptBits : 0;
                bytes.putLong(Float.BYTES * i, little ? first | second << 32 : second | first << 32);
            }
            if (i < end) {
                bytes.putInt(Float.BYTES * i, (random.nextLong() & 0xFFFFFFFFL) >= threshold ? (int) keptBits : 0);
            }
        });
    }

    /**
     * A chunk's seed, mixed (Stafford's variant 13, as SplittableRandom mixes): seeds a multiple of SplittableRandom's
     * step apart would draw the same numbers shifted, as seed ^ (step × chunk) does for seed 0.
     */
    static long chunkSeed(long seed, int chunk) {
        return mix64(seed + mix64(chunk + 1L));
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
