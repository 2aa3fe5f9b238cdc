package dev.attune.dataset;

import java.nio.charset.CharacterCodingException;
import java.util.Arrays;
import java.util.List;

import dev.attune.errors.AttuneException;
import dev.attune.errors.Conflict;
import dev.attune.errors.InvalidInput;
import dev.attune.errors.TooLarge;

import java.io.EOFException;
import java.util.zip.ZipException;

/** Every way an upload can be refused, each saying what was wrong and how to fix it. */
final class DatasetProblems {

    private DatasetProblems() {
    }

    static AttuneException missingColumns(Columns columns, List<String> found) {
        String pair = columns.textPair() == null ? "" : ", a text pair column '%s'".formatted(columns.textPair());
        if (columns.label() == null) {
            return new InvalidInput("Missing column",
                    "The file needs a text column '%s'%s but has %s. Rename the columns or pass textColumn%s."
                            .formatted(columns.text(), pair, found, columns.textPair() == null ? "" : ", textPairColumn"))
                    .with("columnsFound", found);
        }
        return new InvalidInput("Missing column",
                "The file needs a text column '%s'%s and a label column '%s' but has %s. Rename the columns or pass textColumn%s and labelColumn."
                        .formatted(columns.text(), pair, columns.label(), found,
                                columns.textPair() == null ? "" : ", textPairColumn"))
                .with("columnsFound", found);
    }

    static AttuneException emptyTextPair(long line, String column) {
        return new InvalidInput("Empty text pair",
                "Line %d has a text but an empty '%s': in a sentence-pair data set every row needs both texts. Fill it in or remove the row, and upload again."
                        .formatted(line, column))
                .with("line", line);
    }

    static AttuneException duplicateColumn(String column, List<String> found) {
        return new InvalidInput("Duplicate column",
                "The header names the column '%s' more than once, so it is unclear which to use. Rename or remove the extra column and upload again."
                        .formatted(column))
                .with("columnsFound", found);
    }

    static AttuneException lineTooLong(long line, int maxChars) {
        return new InvalidInput("Line too long",
                "Line %d is longer than %d characters; no text should be that long (is it a binary file, or a file without line breaks?). Split or shorten it and upload again."
                        .formatted(line, maxChars))
                .with("line", line).with("maxLineChars", maxChars);
    }

    static AttuneException decompressedTooLarge(long limitBytes) {
        return new TooLarge("Upload too large",
                "The file decompresses to more than the limit of %d bytes. Split it into smaller files, or raise attune.datasets.max-upload-size."
                        .formatted(limitBytes))
                .with("limitBytes", limitBytes);
    }

    static AttuneException malformed(String where, long line, String why) {
        return new InvalidInput("Malformed file",
                "The file cannot be read at %s: %s. Fix that line (quote fields containing the delimiter, quotes or line breaks) and upload again."
                        .formatted(where, why))
                .with("line", line);
    }

    /** {@link #malformed} at one line, the way every row of a file is named. */
    static AttuneException malformedLine(long line, String why) {
        return malformed("line " + line, line, why);
    }

    /** A failure while decoding: bad UTF-8, a broken gzip stream, or a CSV syntax error. */
    static AttuneException readFailure(RuntimeException e, long line, String message) {
        Throwable cause = e.getCause();
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof Utf8Check.InvalidUtf8 invalid) {
                return new InvalidInput("Invalid UTF-8", "Line %d is not valid UTF-8 (a byte of another encoding, such "
                        .formatted(invalid.line()) + "as Latin-1). Save the file as UTF-8 and upload again.")
                        .with("line", invalid.line());
            }
        }
        if (cause instanceof CharacterCodingException) {
            return new InvalidInput("Invalid UTF-8",
                    "The file is not valid UTF-8 near line %d. Save it as UTF-8 and upload again.".formatted(line))
                    .with("line", line);
        }
        if (cause instanceof ZipException || cause instanceof EOFException) {
            return new InvalidInput("Corrupt gzip",
                    "The compressed file is damaged or cut short (%s). Compress it again with gzip and upload again.".formatted(message));
        }
        return malformedLine(line, message);
    }

    static AttuneException noRows(long skipped) {
        return new InvalidInput("No usable rows",
                "The file has no row with a non-empty text (%d rows skipped). Upload a file with at least one labelled text per class."
                        .formatted(skipped));
    }

    static AttuneException singleLabel(String label) {
        return new InvalidInput("Single label",
                "Every row has the label '%s'; a classifier needs at least two. Add examples of the other classes, or check labelColumn."
                        .formatted(label));
    }

    static AttuneException tooManyLabels(String labelColumn, int max) {
        return new InvalidInput("Too many labels",
                "The label column '%s' has more than %d distinct values; it is probably not a label column. Pass the right labelColumn, or raise attune.datasets.max-labels."
                        .formatted(labelColumn, max))
                .with("maxLabels", max);
    }

    static AttuneException emptyLabel(long line, String labelColumn) {
        return new InvalidInput("Empty label",
                "Line %d has an empty '%s'. Give every row a label, or remove the row.".formatted(line, labelColumn))
                .with("line", line);
    }

    static AttuneException labelTooLong(long line, String labelColumn, int max) {
        return new InvalidInput("Label too long",
                "Line %d has a '%s' longer than %d characters: labels are class names. Check labelColumn.".formatted(
                        line, labelColumn, max)).with("line", line);
    }

    static AttuneException unknownFormat(String value) {
        return new InvalidInput("Unknown format",
                "Format '%s' is not supported. Use one of %s, or leave format out to detect it from the file."
                        .formatted(value, Arrays.toString(DatasetFormat.values())));
    }

    static AttuneException emptyFile() {
        return new InvalidInput("Empty file",
                "The uploaded file is empty. Send a CSV, TSV or JSONL file (optionally .gz) as the multipart part 'file'.");
    }

    static AttuneException sameColumn(String column) {
        return new InvalidInput("Same column twice",
                "textColumn and labelColumn are both '%s'. Name two different columns.".formatted(column));
    }

    static AttuneException inUse(String id, List<DatasetUsers.ActiveJob> jobs, List<String> sweeps) {
        return new Conflict("Data set in use",
                ("Data set '%s' is used by %d queued or running job(s)" + (sweeps.isEmpty() ? "" : " and the running "
                        + "sweep(s) " + sweeps) + ". Cancel them or wait for them to finish, then delete.")
                        .formatted(id, jobs.size()))
                .with("jobs", jobs).with("sweeps", sweeps);
    }

    static AttuneException conflictingLabels(int count, List<String> rows) {
        return new InvalidInput("Conflicting labels",
                ("%d uploaded row(s) have the text of a parent row but other labels: %s. A version adds rows; remove "
                        + "these from the upload (or fix their labels), and upload again.").formatted(count, rows))
                .with("conflictingRows", count);
    }

    /** A version (or a data set made from another's rows) whose rows are not of the parent's kind. */
    static AttuneException notParentsKind(Dataset parent, String what) {
        return new InvalidInput("Not the parent's kind",
                ("Data set '%s' (%s) cannot have this version: %s. A version keeps its parent's columns and kind of "
                        + "labels; upload such rows as a data set of their own.").formatted(parent.name(), kindOf(parent),
                        what))
                .with("parentId", parent.id());
    }

    /** A data set's kind, in words: its texts and its labels. */
    static String kindOf(Dataset dataset) {
        String texts = dataset.hasTextPairs() ? "text pairs" : "single texts";
        return texts + ", " + (dataset.labelled() ? dataset.suggestedProblemType().id() + " labels" : "no labels");
    }

    static AttuneException badRow(int position, String why) {
        return new InvalidInput("Invalid row", "Row %d %s. Correct it and try again.".formatted(position, why))
                .with("row", position);
    }
}
