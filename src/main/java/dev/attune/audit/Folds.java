package dev.attune.audit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Stratified, seeded k-fold assignment: each class's rows are shuffled (one generator seeded once, classes in id order)
 * and dealt round robin, the deal carrying on from class to class, so every fold holds each class's share (within one
 * row) and folds differ in size by at most one row. The same labels, folds and seed give the same folds on every node
 * and every attempt: a fold job resumed after a crash trains on the rows it started with.
 */
final class Folds {

    private Folds() {
    }

    /** Each row's fold, 0 to folds - 1. */
    static int[] assign(int[] labels, int folds, long seed) {
        Map<Integer, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            byClass.computeIfAbsent(labels[i], c -> new ArrayList<>()).add(i);
        }
        Random random = new Random(seed);
        int[] fold = new int[labels.length];
        int next = 0;
        for (List<Integer> rows : byClass.values()) {
            Collections.shuffle(rows, random);
            for (int row : rows) {
                fold[row] = next;
                next = (next + 1) % folds;
            }
        }
        return fold;
    }
}
