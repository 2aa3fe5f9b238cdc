package dev.attune.training;

import java.util.function.Supplier;

import ai.djl.engine.Engine;

/**
 * libtorch's default random generator is one per process (and one per GPU, all seeded together by
 * {@code manual_seed}). Workers training at once on several devices take turns: each seeds it and makes its
 * draws in one turn, so a job's dropout masks and initial weights depend only on its own seed, never on
 * what another job drew in between.
 */
final class GlobalGenerator {

    private static final Object TURN = new Object();

    private GlobalGenerator() {
    }

    static <T> T seeded(int seed, Supplier<T> draws) {
        synchronized (TURN) {
            Engine.getInstance().setRandomSeed(seed);
            return draws.get();
        }
    }
}
