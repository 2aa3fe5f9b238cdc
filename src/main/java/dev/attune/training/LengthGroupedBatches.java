package dev.attune.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Batches of similar-length examples, so little compute goes to padding (as transformers'
 * LengthGroupedSampler): shuffle, cut into chunks of 50 batches, sort each chunk by length, cut into
 * batches, then shuffle the batch order. The same Random state gives the same batches.
 */
public final class LengthGroupedBatches {

    private static final int BATCHES_PER_CHUNK = 50;

    private LengthGroupedBatches() {
    }

    public static List<int[]> forTraining(TokenizedExamples data, int batchSize, Random random) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, data.size()).boxed().toList());
        Collections.shuffle(order, random);
        List<int[]> batches = new ArrayList<>();
        int chunkSize = batchSize * BATCHES_PER_CHUNK;
        for (int start = 0; start < order.size(); start += chunkSize) {
            List<Integer> chunk = new ArrayList<>(order.subList(start, Math.min(order.size(), start + chunkSize)));
            chunk.sort(Comparator.comparingInt(data::length).reversed());
            batches.addAll(cut(chunk, batchSize));
        }
        Collections.shuffle(batches, random);
        return batches;
    }

    /** Random batches (transformers' Trainer default): a shuffle cut into batches, whatever the lengths. */
    public static List<int[]> shuffled(int size, int batchSize, Random random) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, size).boxed().toList());
        Collections.shuffle(order, random);
        return cut(order, batchSize);
    }

    /** Evaluation batches: sorted by length, no randomness; callers map results back by index. */
    public static List<int[]> forEvaluation(TokenizedExamples data, int batchSize) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, data.size()).boxed().toList());
        order.sort(Comparator.comparingInt(data::length));
        return cut(order, batchSize);
    }

    private static List<int[]> cut(List<Integer> indices, int batchSize) {
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < indices.size(); start += batchSize) {
            batches.add(indices.subList(start, Math.min(indices.size(), start + batchSize)).stream()
                    .mapToInt(Integer::intValue).toArray());
        }
        return batches;
    }
}
