package dev.attune.dataset;

/**
 * One stored example.
 *
 * @param index its position, from 0 in upload order (skipped rows excluded)
 * @param text the text
 * @param label its label
 */
public record DatasetRow(long index, String text, String label) {
}
