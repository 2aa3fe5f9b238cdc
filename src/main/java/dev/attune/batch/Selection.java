package dev.attune.batch;

/**
 * What a batch prediction selects once every row is scored: the {@code count} rows to label next, by
 * {@code strategy} (as resolved at submission and stored in the job).
 *
 * @param strategy margin, entropy, least_confidence or random
 * @param count how many rows, 1 to the data set's rows
 * @param seed random's seed (the same seed, data set and count draw the same rows); stored for every strategy
 */
public record Selection(SelectionStrategy strategy, int count, long seed) {
}
