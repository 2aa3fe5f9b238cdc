package dev.attune.training;

import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Logits for batches of example indices: through the whole encoder, or from cached encoder features. */
interface LogitsSource {

    int size();

    /** What every example should produce, in example order. */
    Targets targets();

    List<int[]> trainingBatches(int batchSize, Random random);

    List<int[]> evaluationBatches(int batchSize);

    /** (B, C) logits for the examples at {@code indices}, created in {@code scope}. */
    NDArray logits(NDManager scope, int[] indices, boolean training);
}
