package dev.attune.batch;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.attune.scoring.ScoringOutcome;
import dev.attune.training.EvaluationMetrics;

/**
 * A finished batch prediction's summary, recorded under its lease where a job's test figures go.
 *
 * @param rows rows scored (all of the data set)
 * @param textsPerSecond scoring speed of the last attempt
 * @param metrics the model's figures on the data set's labels; null without labels, or when they do not fit
 * @param selection the rows it selected to label next; absent without select
 */
record BatchOutcome(int rows, double textsPerSecond, EvaluationMetrics metrics,
        @JsonInclude(JsonInclude.Include.NON_NULL) Selected selection) {

    static BatchOutcome of(ScoringOutcome scored, Selected selection) {
        return new BatchOutcome(scored.rows(), scored.textsPerSecond(), scored.metrics(), selection);
    }

    /**
     * A written selection: only the file the summary names is the job's (a run that lost the job wrote its own,
     * never read).
     *
     * @param file its JSON lines, relative to the job's directory, best row first
     * @param rows how many rows it holds
     */
    record Selected(String file, int rows) {
    }
}
