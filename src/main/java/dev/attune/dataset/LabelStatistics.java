package dev.attune.dataset;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counts an upload's labels row by row: rows per label, rows with several labels, and — while every
 * row holds a single number — a numeric summary. A column with more distinct values than
 * {@code maxLabels} is refused unless it is numeric (a regression target): then the counts are
 * dropped and only the summary is kept.
 */
final class LabelStatistics {

    private final int maxLabels;
    private final String labelColumn;
    private SortedMap<String, Integer> counts = new TreeMap<>();
    private int multiLabelRows;
    private boolean numeric = true;
    private boolean integers = true;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double sum;
    private long rows;

    LabelStatistics(int maxLabels, String labelColumn) {
        this.maxLabels = maxLabels;
        this.labelColumn = labelColumn;
    }

    void add(List<String> labels) {
        rows++;
        if (labels.size() > 1) {
            multiLabelRows++;
        }
        trackNumber(labels);
        if (counts == null) {
            return; // a numeric column with too many distinct values: only the summary is kept
        }
        for (String label : labels) {
            counts.merge(label, 1, Integer::sum);
        }
        if (counts.size() > maxLabels) {
            if (!numeric) {
                throw DatasetProblems.tooManyLabels(labelColumn, maxLabels);
            }
            counts = null;
        }
    }

    private void trackNumber(List<String> labels) {
        if (!numeric) {
            return;
        }
        Double value = labels.size() == 1 ? parse(labels.get(0)) : null;
        if (value == null) {
            numeric = false;
            if (counts == null) {
                throw DatasetProblems.tooManyLabels(labelColumn, maxLabels);
            }
            return;
        }
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum += value;
        integers &= value == Math.rint(value);
    }

    private static Double parse(String label) {
        try {
            double value = Double.parseDouble(label);
            return Double.isFinite(value) ? value : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Rows per label; empty for a numeric column with more than maxLabels distinct values. */
    SortedMap<String, Integer> counts() {
        return counts == null ? new TreeMap<>() : counts;
    }

    int distinctLabels() {
        return counts == null ? Integer.MAX_VALUE : counts.size();
    }

    int multiLabelRows() {
        return multiLabelRows;
    }

    /** The numeric summary when every row holds one number; null otherwise. */
    NumericLabels numeric() {
        return numeric && rows > 0 ? new NumericLabels(min, max, sum / rows, integers) : null;
    }
}
