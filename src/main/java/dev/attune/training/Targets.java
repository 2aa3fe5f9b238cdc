package dev.attune.training;

import java.util.List;

/**
 * What a batch of examples should produce, in batch order: label ids per example (classification) or
 * target values (regression).
 */
public record Targets(int[][] labelIds, float[] values) {

    static Targets of(List<Example> examples) {
        int[][] ids = new int[examples.size()][];
        float[] values = new float[examples.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = examples.get(i).labels();
            values[i] = examples.get(i).value();
        }
        return new Targets(ids, values);
    }

    public int size() {
        return values.length;
    }

    /** The examples at {@code indices}, in that order. */
    public Targets select(int[] indices) {
        int[][] ids = new int[indices.length][];
        float[] selected = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            ids[i] = labelIds[indices[i]];
            selected[i] = values[indices[i]];
        }
        return new Targets(ids, selected);
    }

    /** The label id of each (single-label) example. */
    int[] singleLabels() {
        int[] labels = new int[labelIds.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = labelIds[i][0];
        }
        return labels;
    }

    /** (N × classes) row-major 0/1 matrix: 1 where the example has the label. */
    float[] multiHot(int classes) {
        float[] hot = new float[labelIds.length * classes];
        for (int i = 0; i < labelIds.length; i++) {
            for (int label : labelIds[i]) {
                hot[i * classes + label] = 1;
            }
        }
        return hot;
    }

    /** How many examples carry each label. */
    int[] labelCounts(int classes) {
        int[] counts = new int[classes];
        for (int[] ids : labelIds) {
            for (int label : ids) {
                counts[label]++;
            }
        }
        return counts;
    }
}
