package dev.attune.dataset;

import dev.attune.errors.InvalidInput;

/**
 * What the uploader told us about the file; blank values take the defaults.
 *
 * @param labelDelimiter splits a label cell into several labels (multi-label data); default ",";
 *     "" keeps every cell whole
 * @param textPairColumn the column (JSONL: field) of each row's second text, for sentence-pair data (entailment,
 *     paraphrase); null: single texts
 * @param unlabelled rows without labels (to be scored and selected from): no label column is read (one the file
 *     has is ignored), and labelColumn is null
 */
record UploadOptions(String name, String textColumn, String labelColumn, DatasetFormat format, String labelDelimiter,
        String textPairColumn, boolean unlabelled) {

    static final String DEFAULT_LABEL_DELIMITER = ",";

    UploadOptions {
        textColumn = textColumn == null || textColumn.isBlank() ? "text" : textColumn.trim();
        labelColumn = unlabelled ? null : labelColumn == null || labelColumn.isBlank() ? "label" : labelColumn.trim();
        labelDelimiter = labelDelimiter == null ? DEFAULT_LABEL_DELIMITER : labelDelimiter;
        textPairColumn = textPairColumn == null || textPairColumn.isBlank() ? null : textPairColumn.trim();
        if (name != null && name.length() > 255) {
            throw new InvalidInput("Name too long",
                    "The name has " + name.length() + " characters; use at most 255.");
        }
        if (labelDelimiter.length() > 8 || (!labelDelimiter.isEmpty() && labelDelimiter.isBlank()
                && !labelDelimiter.equals("\t") && !labelDelimiter.equals("\t"))) {
            throw new InvalidInput("Invalid label delimiter", "labelDelimiter must be 1 to 8 characters that are "
                    + "not all blanks (such as \",\", \";\" or \"|\"), or empty to keep each label cell whole; was \""
                    + labelDelimiter + "\".");
        }
        if (textColumn.equals(labelColumn)) {
            throw DatasetProblems.sameColumn(textColumn);
        }
        if (textColumn.equals(textPairColumn) || (labelColumn != null && labelColumn.equals(textPairColumn))) {
            throw DatasetProblems.sameColumn(textPairColumn);
        }
    }

    UploadOptions(String name, String textColumn, String labelColumn, DatasetFormat format, String labelDelimiter,
            String textPairColumn) {
        this(name, textColumn, labelColumn, format, labelDelimiter, textPairColumn, false);
    }

    UploadOptions(String name, String textColumn, String labelColumn, DatasetFormat format, String labelDelimiter) {
        this(name, textColumn, labelColumn, format, labelDelimiter, null);
    }

    /** The columns rows are read from. */
    Columns columns() {
        return new Columns(textColumn, textPairColumn, labelColumn);
    }

    UploadOptions(String name, String textColumn, String labelColumn, DatasetFormat format) {
        this(name, textColumn, labelColumn, format, null, null);
    }
}
