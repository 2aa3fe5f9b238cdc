package dev.attune.batch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Picks a selection's rows as the scored rows stream past: pure numerics, no I/O. It keeps only the best
 * {@code count} rows seen so far (a heap whose root is the worst kept), so a data set of millions of rows costs the
 * memory of the selection, not of the data set.
 */
final class RowSelector {

    /**
     * One chosen row.
     *
     * @param position its place in the rows offered (the results' row order)
     * @param score the score that chose it; null for random
     */
    record Chosen(int position, Double score) {
    }

    private final Selection selection;
    private final boolean multiLabel;
    /** Best first: by the strategy's score, ties to the earlier row. */
    private final Comparator<Chosen> bestFirst;
    private final PriorityQueue<Chosen> worstKeptFirst;
    private int rows;

    /** @param multiLabel whether the probabilities are independent per label (the scores are then per label) */
    RowSelector(Selection selection, boolean multiLabel) {
        this.selection = selection;
        this.multiLabel = multiLabel;
        Comparator<Chosen> byScore = Comparator.comparingDouble(Chosen::score);
        this.bestFirst = (selection.strategy().ascending() ? byScore : byScore.reversed())
                .thenComparingInt(Chosen::position);
        this.worstKeptFirst = new PriorityQueue<>(bestFirst.reversed());
    }

    /** The next row; its probabilities may be null for random (a regression's rows). */
    void offer(double[] probabilities) {
        int position = rows++;
        if (selection.strategy() == SelectionStrategy.RANDOM) {
            return; // drawn from the count alone, at the end
        }
        Chosen row = new Chosen(position, selection.strategy().score(probabilities, multiLabel));
        if (worstKeptFirst.size() < selection.count()) {
            worstKeptFirst.add(row);
        } else if (bestFirst.compare(row, worstKeptFirst.peek()) < 0) {
            worstKeptFirst.poll();
            worstKeptFirst.add(row);
        }
    }

    /**
     * The {@code selection.count()} rows to label next (every row when there are fewer), best first: by the
     * strategy's score (ties by position), or, for random, the first {@code count} places of a Fisher–Yates shuffle
     * driven by {@code java.util.Random(seed)} (its sequence is fixed by the JDK's specification, so the same seed
     * draws the same rows on every JVM; only the places it moves are kept).
     */
    List<Chosen> chosen() {
        if (selection.strategy() == SelectionStrategy.RANDOM) {
            int count = Math.min(selection.count(), rows);
            Map<Integer, Integer> moved = new HashMap<>(); // the shuffled array where it differs from 0..rows-1
            Random random = new Random(selection.seed());
            List<Chosen> chosen = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int j = i + random.nextInt(rows - i);
                int atJ = moved.getOrDefault(j, j);
                moved.put(j, moved.getOrDefault(i, i));
                chosen.add(new Chosen(atJ, null));
            }
            return chosen;
        }
        List<Chosen> chosen = new ArrayList<>(worstKeptFirst);
        chosen.sort(bestFirst);
        return chosen;
    }

    /** How many rows were offered. */
    int rows() {
        return rows;
    }

    /** Every row at once (tests, small inputs). */
    static List<Chosen> choose(Selection selection, double[][] probabilities, int rows, boolean multiLabel) {
        RowSelector selector = new RowSelector(selection, multiLabel);
        for (int i = 0; i < rows; i++) {
            selector.offer(probabilities == null ? null : probabilities[i]);
        }
        return selector.chosen();
    }
}
