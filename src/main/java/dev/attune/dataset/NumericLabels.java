package dev.attune.dataset;

/**
 * A summary of a label column in which every row holds one number (scores, star ratings).
 *
 * @param min the smallest value
 * @param max the largest value
 * @param mean the mean value
 * @param integers whether every value is a whole number
 */
public record NumericLabels(double min, double max, double mean, boolean integers) {
}
