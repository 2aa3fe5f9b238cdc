package dev.attune.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * SetFit's sentence pairs: for every training example, {@code pairsPerExample / 2} pairs with a random example of
 * the same label (target 1; another example when the class has one, else itself) and the rest with a random
 * example of another label (target 0), as setfit's {@code sentence_pairs_generation} draws them (one positive and
 * one negative per example and iteration), then shuffled. The same labels and seed give the same pairs.
 */
final class PairSampler {

    /** Two examples (indices into the training examples) and whether they share a label (1) or not (0). */
    record Pair(int first, int second, float target) {
    }

    private PairSampler() {
    }

    /**
     * @param labels each training example's label id
     * @throws IllegalArgumentException with fewer than two classes (no negative pair exists)
     */
    static List<Pair> sample(int[] labels, int pairsPerExample, long seed) {
        int classes = 0;
        for (int label : labels) {
            classes = Math.max(classes, label + 1);
        }
        List<List<Integer>> byLabel = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byLabel.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byLabel.get(labels[i]).add(i);
        }
        if (byLabel.stream().filter(members -> !members.isEmpty()).count() < 2) {
            throw new IllegalArgumentException("contrastive pairs need examples of at least two labels");
        }
        Random random = new Random(seed);
        int positives = pairsPerExample / 2;
        List<Pair> pairs = new ArrayList<>(labels.length * pairsPerExample);
        for (int round = 0; round < pairsPerExample; round++) {
            boolean positive = round < 2 * positives && round % 2 == 0; // alternating; an odd count's last negative
            for (int i = 0; i < labels.length; i++) {
                pairs.add(positive ? new Pair(i, samePartner(i, byLabel.get(labels[i]), random), 1f)
                        : new Pair(i, otherPartner(labels[i], labels.length - byLabel.get(labels[i]).size(), byLabel,
                                random), 0f));
            }
        }
        Collections.shuffle(pairs, random);
        return pairs;
    }

    /**
     * Multi-label pairs, as setfit's {@code sentence_pairs_generation_multilabel} draws them: a positive pairs the
     * anchor with another example that has one of its labels (drawn at random among its labels), a negative with an
     * example that shares none of them. Rounds alternate as for single labels; an anchor without labels gets no
     * positive, and one that shares a label with every example gets no negative (setfit skips those too).
     *
     * @param labels each example's label ids
     * @throws IllegalArgumentException when no example shares no label with another (no negative pair exists)
     */
    static List<Pair> sampleMultiLabel(int[][] labels, int classes, int pairsPerExample, long seed) {
        List<List<Integer>> byLabel = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byLabel.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            for (int label : labels[i]) {
                byLabel.get(label).add(i);
            }
        }
        Random random = new Random(seed);
        int positives = pairsPerExample / 2;
        List<Pair> pairs = new ArrayList<>(labels.length * pairsPerExample);
        for (int round = 0; round < pairsPerExample; round++) {
            boolean positive = round < 2 * positives && round % 2 == 0;
            for (int i = 0; i < labels.length; i++) {
                if (positive && labels[i].length > 0) {
                    int label = labels[i][random.nextInt(labels[i].length)];
                    pairs.add(new Pair(i, samePartner(i, byLabel.get(label), random), 1f));
                } else if (!positive) {
                    int partner = disjointPartner(i, labels, random);
                    if (partner >= 0) {
                        pairs.add(new Pair(i, partner, 0f));
                    }
                }
            }
        }
        if (pairs.stream().noneMatch(pair -> pair.target() == 0f)) {
            throw new IllegalArgumentException("contrastive pairs need two examples without a label in common");
        }
        Collections.shuffle(pairs, random);
        return pairs;
    }

    /** A random example sharing no label with the anchor (a few random tries, then a scan); -1 when none does. */
    private static int disjointPartner(int anchor, int[][] labels, Random random) {
        for (int attempt = 0; attempt < 32; attempt++) {
            int pick = random.nextInt(labels.length);
            if (disjoint(labels[anchor], labels[pick])) {
                return pick;
            }
        }
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            if (disjoint(labels[anchor], labels[i])) {
                candidates.add(i);
            }
        }
        return candidates.isEmpty() ? -1 : candidates.get(random.nextInt(candidates.size()));
    }

    private static boolean disjoint(int[] a, int[] b) {
        for (int x : a) {
            for (int y : b) {
                if (x == y) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A random other member of the anchor's class (itself when it is alone). */
    private static int samePartner(int anchor, List<Integer> members, Random random) {
        if (members.size() == 1) {
            return anchor;
        }
        int pick = members.get(random.nextInt(members.size() - 1));
        return pick == anchor ? members.get(members.size() - 1) : pick;
    }

    /** A random example of any other label, uniformly over those examples. */
    private static int otherPartner(int label, int others, List<List<Integer>> byLabel, Random random) {
        int pick = random.nextInt(others);
        for (int c = 0; c < byLabel.size(); c++) {
            if (c == label) {
                continue;
            }
            if (pick < byLabel.get(c).size()) {
                return byLabel.get(c).get(pick);
            }
            pick -= byLabel.get(c).size();
        }
        throw new IllegalStateException("unreachable");
    }
}
