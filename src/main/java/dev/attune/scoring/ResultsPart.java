package dev.attune.scoring;

/**
 * One run's file of a batch prediction's results, and how many of its lines the job committed: only those are
 * the job's (lines written after them, by a run that crashed or lost the job, are never read).
 *
 * @param file the file, relative to the job's directory
 * @param lines its committed lines, from the first
 */
public record ResultsPart(String file, long lines) {
}
