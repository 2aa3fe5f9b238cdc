package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * Dropout masks drawn in Java on a CPU: the rate asked, the scale libtorch uses, the same mask for the same libtorch
 * seed whatever the number of threads, and a gradient that is the mask.
 */
class DropoutMasksTest {

    @AfterEach
    void javaMasksAgain() {
        DropoutMasks.drawWithLibtorchOnCpu(false);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 0.9})
    void dropsTheRateAskedAndScalesTheRestAsLibtorchDoes(double rate) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            int size = 1 << 20;
            float[] mask = DropoutMasks.scaledKeep(manager, new Shape(size), rate).toFloatArray();
            int dropped = 0;
            for (float value : mask) {
                if (value == 0f) {
                    dropped++;
                } else {
                    assertThat(value).isEqualTo((float) (1 / (1 - rate)));
                }
            }
            // binomial: the standard deviation of the dropped share is below 0.0005 at 2^20 elements
            assertThat((double) dropped / size).isCloseTo(rate, within(0.003));
        }
    }

    @Test
    void theSameLibtorchSeedGivesTheSameMasksAndTheNextDrawAnother() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Shape shape = new Shape(3, DropoutMasks.CHUNK + 5); // chunks, a tail and an odd length
            Engine.getInstance().setRandomSeed(11);
            float[] first = DropoutMasks.scaledKeep(manager, shape, 0.3).toFloatArray();
            float[] second = DropoutMasks.scaledKeep(manager, shape, 0.3).toFloatArray();
            Engine.getInstance().setRandomSeed(11);
            float[] again = DropoutMasks.scaledKeep(manager, shape, 0.3).toFloatArray();
            assertThat(again).isEqualTo(first);
            assertThat(second).isNotEqualTo(first);
            int differing = 0;
            for (int i = 0; i < first.length; i++) {
                differing += first[i] != second[i] ? 1 : 0;
            }
            // two independent masks at 0.3 differ where one keeps and the other drops: 2 · 0.3 · 0.7 = 42%
            assertThat((double) differing / first.length).isCloseTo(0.42, within(0.01));
        }
    }

    @Test
    void eachChunkOfAMaskIsDrawnApart() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            float[] mask = DropoutMasks.scaledKeep(manager, new Shape(3L * DropoutMasks.CHUNK), 0.3).toFloatArray();
            for (int other = 1; other < 3; other++) {
                int differing = 0;
                for (int i = 0; i < DropoutMasks.CHUNK; i++) {
                    differing += mask[i] != mask[other * DropoutMasks.CHUNK + i] ? 1 : 0;
                }
                // chunks drawn independently differ on 2 · 0.3 · 0.7 = 42% of their places
                assertThat((double) differing / DropoutMasks.CHUNK).as("chunk 0 against " + other)
                        .isCloseTo(0.42, within(0.01));
            }
        }
    }

    @Test
    void masksTooLargeForJavaAndGpuArraysAreLeftToLibtorch() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = manager.zeros(new Shape(2, 2));
            assertThat(DropoutMasks.drawnInJava(x, new Shape(DropoutMasks.MAX_ELEMENTS))).isTrue();
            assertThat(DropoutMasks.drawnInJava(x, new Shape(DropoutMasks.MAX_ELEMENTS + 1))).isFalse();
            DropoutMasks.drawWithLibtorchOnCpu(true);
            assertThat(DropoutMasks.drawnInJava(x, x.getShape())).isFalse();
            NDArray dropped = Attention.dropout(manager.ones(new Shape(1000)), 0.5, true);
            assertThat(dropped.toFloatArray()).containsAnyOf(0f).containsAnyOf(2f); // libtorch's dropout still drops
        }
    }

    @Test
    void theMaskDoesNotDependOnTheNumberOfThreads() throws Exception {
        int size = 5 * DropoutMasks.CHUNK + 3;
        long threshold = DropoutMasks.threshold(0.25);
        ByteBuffer oneThread = ByteBuffer.allocate(size * Float.BYTES).order(ByteOrder.nativeOrder());
        ByteBuffer fourThreads = ByteBuffer.allocate(size * Float.BYTES).order(ByteOrder.nativeOrder());
        ForkJoinPool one = new ForkJoinPool(1);
        ForkJoinPool four = new ForkJoinPool(4);
        try {
            one.submit(() -> DropoutMasks.fill(oneThread, size, 99, threshold, 4f / 3)).get();
            four.submit(() -> DropoutMasks.fill(fourThreads, size, 99, threshold, 4f / 3)).get();
        } finally {
            one.shutdown();
            four.shutdown();
        }
        assertThat(fourThreads.array()).isEqualTo(oneThread.array());
        float last = oneThread.getFloat((size - 1) * Float.BYTES);
        assertThat(last == 0f || last == 4f / 3).as("the tail element is written").isTrue();
    }

    @Test
    void theGradientOfDropoutIsItsMask() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = manager.randomNormal(new Shape(4, 33, 16));
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                y = Attention.dropout(x, 0.2, true);
                collector.backward(y.sum());
            }
            float[] input = x.toFloatArray();
            float[] output = y.toFloatArray();
            float[] gradient = x.getGradient().toFloatArray();
            for (int i = 0; i < input.length; i++) {
                float expected = gradient[i] == 0f ? 0f : input[i] * 1.25f;
                assertThat(gradient[i]).isIn(0f, 1.25f);
                assertThat(output[i]).isCloseTo(expected, within(1e-6f));
            }
        }
    }

    @Test
    void evaluationAndRateZeroLeaveTheInputAlone() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray x = manager.randomNormal(new Shape(2, 3));
            assertThat(Attention.dropout(x, 0.1, false)).isSameAs(x);
            assertThat(Attention.dropout(x, 0, true)).isSameAs(x);
        }
    }
}
