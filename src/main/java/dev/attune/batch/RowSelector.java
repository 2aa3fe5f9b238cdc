package dev.attune.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/** Picks a selection's rows from the scored rows' probabilities: pure numerics, no I/O. */
final class RowSelector {

    private RowSelector() {
    }

    /**
     * One chosen row.
     *
     * @param position its place in the probabilities given (the results' row order)
     * @param score the score that chose it; null for random
     */
    record Chosen(int position, Double score) {
    }

    /**
     * The {@code selection.count()} rows to label next, best first: by the strategy's score (ties by position), or,
     * for random, the first {@code count} places of a Fisher–Yates shuffle driven by {@code java.util.Random(seed)}
     * (its sequence is fixed by the JDK's specification, so the same seed draws the same rows on every JVM).
     *
     * @param probabilities per row, one probability per label; may be null for random (a regression's rows)
     * @param rows how many rows there are
     */
    static List<Chosen> choose(Selection selection, double[][] probabilities, int rows, boolean multiLabel) {
        int count = Math.min(selection.count(), rows);
        if (selection.strategy() == SelectionStrategy.RANDOM) {
            int[] order = new int[rows];
            Arrays.setAll(order, i -> i);
            Random random = new Random(selection.seed());
            List<Chosen> chosen = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int j = i + random.nextInt(rows - i);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
                chosen.add(new Chosen(order[i], null));
            }
            return chosen;
        }
        double[] scores = new double[rows];
        for (int i = 0; i < rows; i++) {
            scores[i] = selection.strategy().score(probabilities[i], multiLabel);
        }
        Comparator<Integer> byScore = Comparator.comparingDouble(i -> scores[i]);
        Comparator<Integer> order = (selection.strategy().ascending() ? byScore : byScore.reversed())
                .thenComparingInt(i -> i);
        List<Integer> positions = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            positions.add(i);
        }
        positions.sort(order);
        return positions.subList(0, count).stream().map(i -> new Chosen(i, scores[i])).toList();
    }
}
