package dev.attune.dataset;

/** One stored example; {@code index} counts from 0 in upload order (skipped rows excluded). */
public record DatasetRow(long index, String text, String label) {
}
