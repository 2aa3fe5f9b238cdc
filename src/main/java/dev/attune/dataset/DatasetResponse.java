package dev.attune.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.SortedMap;

import dev.attune.modeling.ProblemType;

/**
 * An uploaded data set.
 *
 * @param id its id (a job's datasetId)
 * @param name a display name (default: the file name)
 * @param format csv, tsv or jsonl
 * @param textColumn the column the texts came from
 * @param textPairColumn the column of the second texts of sentence pairs; absent for single texts
 * @param labelColumn the column the labels came from; absent for a data set uploaded without labels
 * @param labelled false for a data set uploaded with unlabelled=true: batch predictions score it (and select the
 *     rows to label next); jobs do not train on it
 * @param rowCount rows stored
 * @param skippedRows rows skipped because their text was empty
 * @param labels rows per label (a row with several labels counts for each); empty for a numeric column
 *     with more distinct values than attune.datasets.max-labels
 * @param multiLabelRows rows with more than one label
 * @param labelDelimiter what split label cells into several labels ("" : none)
 * @param numericLabels min, max and mean when every label is one number; null otherwise
 * @param suggestedProblemType what a job on this data set trains unless it sets problemType: multi-label
 *     when rows have several labels, regression for numbers with fractions or more than 10 distinct values,
 *     else single-label classification
 * @param sizeBytes size of the stored rows
 * @param createdAt when it was uploaded
 * @param parentId the data set this one is the next version of (POST /api/v1/datasets/{id}/versions); absent for
 *     an upload, or once the parent was deleted
 * @param version 1 for an upload; the parent's version + 1 for a version
 * @param duplicateRows rows of a version's upload left out because the parent held them already (same text and
 *     labels); 0 for an upload
 */
record DatasetResponse(String id, String name, String format, String textColumn,
        @JsonInclude(JsonInclude.Include.NON_NULL) String textPairColumn,
        @JsonInclude(JsonInclude.Include.NON_NULL) String labelColumn, boolean labelled,
        int rowCount, int skippedRows, SortedMap<String, Integer> labels, int multiLabelRows, String labelDelimiter,
        NumericLabels numericLabels, ProblemType suggestedProblemType, long sizeBytes, Instant createdAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String parentId, int version, int duplicateRows) {

    static DatasetResponse of(Dataset d) {
        return new DatasetResponse(d.id(), d.name(), d.format(), d.textColumn(), d.textPairColumn(), d.labelColumn(),
                d.labelled(), d.rowCount(), d.skippedRows(), d.labels(), d.multiLabelRows(), d.labelDelimiter(),
                d.numericLabels(), d.suggestedProblemType(), d.sizeBytes(), d.createdAt(), d.parentId(), d.version(),
                d.duplicateRows());
    }
}
