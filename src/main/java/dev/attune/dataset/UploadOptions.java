package dev.attune.dataset;

import dev.attune.errors.InvalidInput;

/** What the uploader told us about the file; blank values take the defaults. */
record UploadOptions(String name, String textColumn, String labelColumn, DatasetFormat format) {

    UploadOptions {
        textColumn = textColumn == null || textColumn.isBlank() ? "text" : textColumn.trim();
        labelColumn = labelColumn == null || labelColumn.isBlank() ? "label" : labelColumn.trim();
        if (name != null && name.length() > 255) {
            throw new InvalidInput("Name too long",
                    "The name has " + name.length() + " characters; use at most 255.");
        }
        if (textColumn.equals(labelColumn)) {
            throw DatasetProblems.sameColumn(textColumn);
        }
    }
}
