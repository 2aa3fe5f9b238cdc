package dev.attune.scoring;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a batch-scoring run writes: the job's directory, the results the job committed before this run, and how
 * this run commits (through the job's lease: a worker that lost the job commits nothing).
 *
 * @param dir the job's directory (the run's part file goes under it)
 * @param committed the parts committed so far (a resumed run scores only the rows they lack)
 * @param commit makes a list of parts the job's results
 */
public record ResultsTarget(Path dir, List<ResultsPart> committed, Commit commit) {

    public ResultsTarget {
        committed = List.copyOf(committed);
    }

    /** Commits the job's results, fenced by the run's lease. */
    @FunctionalInterface
    public interface Commit {

        /** Makes {@code parts} the job's results; false, changing nothing, when this run no longer holds the job. */
        boolean commit(List<ResultsPart> parts);
    }
}
