package dev.attune.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;

import dev.attune.dataset.DatasetRow;
import dev.attune.modeling.ProblemType;


/** A data set's rows as examples (label ids by sorted name), with stratified seeded splitting. */
public final class LabelledData {

    /** Value bins a regression split is stratified over, so both parts span the range of targets. */
    private static final int REGRESSION_BINS = 10;

    private LabelledData() {
    }

    /** The label names of rows (every label of multi-label rows), sorted: the id of a label is its index here. */
    public static List<String> labelsOf(List<DatasetRow> rows) {
        TreeSet<String> labels = new TreeSet<>();
        rows.forEach(row -> labels.addAll(row.labels()));
        return List.copyOf(labels);
    }

    /** Rows as single-label examples; a row whose label is not in {@code labels} is an error naming it. */
    public static List<Example> toExamples(List<DatasetRow> rows, List<String> labels) {
        return toExamples(rows, labels, ProblemType.SINGLE_LABEL_CLASSIFICATION);
    }

    /**
     * Rows as examples of a problem type: label ids for classification (a row with several labels only for
     * multi-label), the number in the label for regression. Anything else is an error naming the row.
     */
    public static List<Example> toExamples(List<DatasetRow> rows, List<String> labels, ProblemType type) {
        Map<String, Integer> ids = new TreeMap<>();
        for (int i = 0; i < labels.size(); i++) {
            ids.put(labels.get(i), i);
        }
        List<Example> examples = new ArrayList<>(rows.size());
        for (DatasetRow row : rows) {
            examples.add(switch (type) {
                case REGRESSION -> new Example(row.text(), row.textPair(), new int[0], number(row));
                case SINGLE_LABEL_CLASSIFICATION -> {
                    if (row.labels().size() > 1) {
                        throw new IllegalArgumentException("row " + row.index() + " with several labels " + row.labels()
                                + "; train it with problemType multi_label_classification");
                    }
                    yield new Example(row.text(), row.textPair(), new int[] {id(ids, row.labels().get(0), labels)},
                            Float.NaN);
                }
                case MULTI_LABEL_CLASSIFICATION -> new Example(row.text(), row.textPair(),
                        row.labels().stream().mapToInt(l -> id(ids, l, labels)).sorted().toArray(), Float.NaN);
            });
        }
        return examples;
    }

    private static int id(Map<String, Integer> ids, String label, List<String> labels) {
        Integer id = ids.get(label);
        if (id == null) {
            throw new IllegalArgumentException("label '" + label + "' is not among the training labels " + labels);
        }
        return id;
    }

    private static float number(DatasetRow row) {
        if (row.labels().size() == 1) {
            try {
                float value = Float.parseFloat(row.labels().get(0));
                if (Float.isFinite(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("row " + row.index() + " label '" + row.label()
                + "' that is not a number; regression needs one number per row");
    }

    /** A seeded split that keeps each label's share (or, for regression, each range of values) in both parts. */
    public static Split split(List<Example> examples, double heldOutFraction, long seed, ProblemType type) {
        return switch (type) {
            case SINGLE_LABEL_CLASSIFICATION -> stratifiedSplit(examples, heldOutFraction, seed);
            case MULTI_LABEL_CLASSIFICATION -> iterativeSplit(examples, heldOutFraction, seed);
            case REGRESSION -> binnedSplit(examples, heldOutFraction, seed);
        };
    }

    /** A stratified split: each label keeps its share in both parts; the same seed gives the same split. */
    public static Split stratifiedSplit(List<Example> examples, double heldOutFraction, long seed) {
        return stratifiedBy(examples, Example::label, heldOutFraction, seed);
    }

    private static Split stratifiedBy(List<Example> examples, java.util.function.ToIntFunction<Example> group,
            double heldOutFraction, long seed) {
        Map<Integer, List<Example>> byLabel = new TreeMap<>();
        examples.forEach(e -> byLabel.computeIfAbsent(group.applyAsInt(e), k -> new ArrayList<>()).add(e));
        Random random = new Random(seed);
        List<Example> kept = new ArrayList<>();
        List<Example> heldOut = new ArrayList<>();
        for (List<Example> members : byLabel.values()) {
            List<Example> shuffled = new ArrayList<>(members);
            Collections.shuffle(shuffled, random);
            int held = (int) Math.round(members.size() * heldOutFraction);
            if (members.size() > 1) {
                held = Math.max(1, Math.min(members.size() - 1, held));
            }
            heldOut.addAll(shuffled.subList(0, held));
            kept.addAll(shuffled.subList(held, shuffled.size()));
        }
        Collections.shuffle(kept, random);
        Collections.shuffle(heldOut, random);
        return new Split(kept, heldOut);
    }

    /** Regression: stratified over deciles of the target, so both parts see low, middle and high values. */
    private static Split binnedSplit(List<Example> examples, double heldOutFraction, long seed) {
        Integer[] order = IntStream.range(0, examples.size()).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingDouble(i -> examples.get(i).value()));
        Map<Example, Integer> bins = new java.util.IdentityHashMap<>();
        for (int rank = 0; rank < order.length; rank++) {
            bins.put(examples.get(order[rank]), rank * REGRESSION_BINS / Math.max(1, order.length));
        }
        return stratifiedBy(examples, bins::get, heldOutFraction, seed);
    }

    /**
     * Multi-label: iterative stratification (Sechidis, Tsoumakas and Vlahavas, 2011). Labels are taken
     * rarest first; each example carrying the label goes to the part that still wants most of that label
     * (ties: the part that wants most examples overall). A label on two or more examples thus reaches the
     * held-out part whenever its share rounds to at least one, and at least one when it has two or more.
     */
    static Split iterativeSplit(List<Example> examples, double heldOutFraction, long seed) {
        Random random = new Random(seed);
        List<Example> shuffled = new ArrayList<>(examples);
        Collections.shuffle(shuffled, random);
        int classes = shuffled.stream().flatMapToInt(e -> IntStream.of(e.labels())).max().orElse(-1) + 1;
        int[] total = new int[classes];
        shuffled.forEach(e -> IntStream.of(e.labels()).forEach(l -> total[l]++));
        double[][] wanted = new double[2][classes]; // [0] kept, [1] held out
        for (int c = 0; c < classes; c++) {
            double held = total[c] * heldOutFraction;
            if (total[c] >= 2) {
                held = Math.max(1, Math.min(total[c] - 1, held));
            }
            wanted[1][c] = held;
            wanted[0][c] = total[c] - held;
        }
        double[] wantedExamples = {shuffled.size() * (1 - heldOutFraction), shuffled.size() * heldOutFraction};
        List<List<Example>> parts = List.of(new ArrayList<>(), new ArrayList<>());
        boolean[] placed = new boolean[shuffled.size()];
        Integer[] rarestFirst = IntStream.range(0, classes).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(rarestFirst, Comparator.comparingInt(c -> total[c]));
        for (int label : rarestFirst) {
            for (int i = 0; i < shuffled.size(); i++) {
                Example example = shuffled.get(i);
                if (placed[i] || IntStream.of(example.labels()).noneMatch(l -> l == label)) {
                    continue;
                }
                int part = wanted[1][label] > wanted[0][label] ? 1 : wanted[0][label] > wanted[1][label] ? 0
                        : wantedExamples[1] > wantedExamples[0] ? 1 : 0;
                parts.get(part).add(example);
                placed[i] = true;
                wantedExamples[part]--;
                for (int l : example.labels()) {
                    wanted[part][l]--;
                }
            }
        }
        Collections.shuffle(parts.get(0), random);
        Collections.shuffle(parts.get(1), random);
        return new Split(parts.get(0), parts.get(1));
    }

    /** The labels (by name) that no example of {@code part} carries. */
    public static List<String> labelsMissingFrom(List<Example> part, List<String> labels) {
        boolean[] seen = new boolean[labels.size()];
        part.forEach(e -> IntStream.of(e.labels()).forEach(l -> seen[l] = true));
        return IntStream.range(0, labels.size()).filter(c -> !seen[c]).mapToObj(labels::get).toList();
    }

    /** The first {@code max} examples in a seeded stratified order (all when max is null or larger). */
    public static List<Example> limit(List<Example> examples, Integer max) {
        return max == null || max >= examples.size() ? examples : examples.subList(0, max);
    }

    public record Split(List<Example> train, List<Example> validation) {
    }
}
