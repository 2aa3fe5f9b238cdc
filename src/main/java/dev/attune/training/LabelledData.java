package dev.attune.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.attune.dataset.DatasetRow;


/** A data set's rows as examples (label ids by sorted name), with stratified seeded splitting. */
public final class LabelledData {

    private LabelledData() {
    }

    /** The label names of rows, sorted: the id of a label is its index here. */
    public static List<String> labelsOf(List<DatasetRow> rows) {
        TreeSet<String> labels = new TreeSet<>();
        rows.forEach(row -> labels.add(row.label()));
        return List.copyOf(labels);
    }

    /** Rows as examples; rows whose label is not in {@code labels} are an error naming it. */
    public static List<Example> toExamples(List<DatasetRow> rows, List<String> labels) {
        Map<String, Integer> ids = new TreeMap<>();
        for (int i = 0; i < labels.size(); i++) {
            ids.put(labels.get(i), i);
        }
        List<Example> examples = new ArrayList<>(rows.size());
        for (DatasetRow row : rows) {
            Integer id = ids.get(row.label());
            if (id == null) {
                throw new IllegalArgumentException("label '" + row.label() + "' is not among the training labels " + labels);
            }
            examples.add(new Example(row.text(), id));
        }
        return examples;
    }

    /** A stratified split: each label keeps its share in both parts; the same seed gives the same split. */
    public static Split stratifiedSplit(List<Example> examples, double heldOutFraction, long seed) {
        Map<Integer, List<Example>> byLabel = new TreeMap<>();
        examples.forEach(e -> byLabel.computeIfAbsent(e.label(), k -> new ArrayList<>()).add(e));
        Random random = new Random(seed);
        List<Example> kept = new ArrayList<>();
        List<Example> heldOut = new ArrayList<>();
        for (List<Example> group : byLabel.values()) {
            List<Example> shuffled = new ArrayList<>(group);
            Collections.shuffle(shuffled, random);
            int held = (int) Math.round(group.size() * heldOutFraction);
            if (group.size() > 1) {
                held = Math.max(1, Math.min(group.size() - 1, held));
            }
            heldOut.addAll(shuffled.subList(0, held));
            kept.addAll(shuffled.subList(held, shuffled.size()));
        }
        Collections.shuffle(kept, random);
        Collections.shuffle(heldOut, random);
        return new Split(kept, heldOut);
    }

    /** The first {@code max} examples in a seeded stratified order (all when max is null or larger). */
    public static List<Example> limit(List<Example> examples, Integer max) {
        return max == null || max >= examples.size() ? examples : examples.subList(0, max);
    }

    public record Split(List<Example> train, List<Example> validation) {
    }
}
