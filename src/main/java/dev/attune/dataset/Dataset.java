package dev.attune.dataset;

import java.time.Instant;
import java.util.SortedMap;

import dev.attune.modeling.ProblemType;

/**
 * A stored data set: normalised rows on disk plus this description in the database.
 *
 * @param labels rows per label (empty for a numeric column with too many distinct values to count)
 * @param multiLabelRows rows with more than one label
 * @param numericLabels a summary when every row's label is one number; else null
 * @param labelColumn the column the labels came from; null for a data set without labels (rows to score and
 *     select from: batch predictions read it, training does not)
 * @param textPairColumn the column of each row's second text in a sentence-pair data set; null for single texts
 * @param parentId the data set this one is a version of ({@link DatasetService#createFrom}); null for an upload,
 *     or once the parent was deleted
 * @param version 1 for an upload; its parent's version + 1 for a version
 * @param duplicateRows rows of the upload that made this version left out because the parent holds them already
 */
public record Dataset(String id, String name, String format, String textColumn, String labelColumn,
        int rowCount, int skippedRows, long sizeBytes, String fileName, SortedMap<String, Integer> labels,
        int multiLabelRows, String labelDelimiter, NumericLabels numericLabels, Instant createdAt,
        String textPairColumn, String parentId, int version, int duplicateRows) {

    /** An uploaded data set (version 1, no parent). */
    public Dataset(String id, String name, String format, String textColumn, String labelColumn, int rowCount,
            int skippedRows, long sizeBytes, String fileName, SortedMap<String, Integer> labels, int multiLabelRows,
            String labelDelimiter, NumericLabels numericLabels, Instant createdAt, String textPairColumn) {
        this(id, name, format, textColumn, labelColumn, rowCount, skippedRows, sizeBytes, fileName, labels,
                multiLabelRows, labelDelimiter, numericLabels, createdAt, textPairColumn, null, 1, 0);
    }

    /** Whether its rows have labels: false for rows uploaded to be scored and selected from (unlabelled=true). */
    public boolean labelled() {
        return labelColumn != null;
    }

    /** Whether its rows are sentence pairs (a job on it trains a pair classifier). */
    public boolean hasTextPairs() {
        return textPairColumn != null;
    }

    /** Distinct whole numbers up to this many read as classes (0/1, 1–5 stars); more, or fractions, as scores. */
    static final int MAX_NUMERIC_CLASSES = 10;

    /**
     * The problem type a job on this data set gets unless it names one: multi-label when any row has
     * several labels; regression when the labels are numbers with fractions or many distinct values;
     * else single-label classification (so 0/1 or 1–5 star labels are classes unless the job says otherwise);
     * null for a data set without labels.
     */
    public ProblemType suggestedProblemType() {
        if (!labelled()) {
            return null;
        }
        if (multiLabelRows > 0) {
            return ProblemType.MULTI_LABEL_CLASSIFICATION;
        }
        if (numericLabels != null && (!numericLabels.integers() || labels.isEmpty()
                || labels.size() > MAX_NUMERIC_CLASSES)) {
            return ProblemType.REGRESSION;
        }
        return ProblemType.SINGLE_LABEL_CLASSIFICATION;
    }
}
