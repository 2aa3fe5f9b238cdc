package dev.attune.dataset;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/** CSV (RFC 4180, quoted fields may span lines) or TSV rows with a header line, via Commons CSV. */
final class DelimitedRowSource implements RowSource {

    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> columns;
    private final Columns wanted;

    DelimitedRowSource(Reader reader, char delimiter, Columns wanted) throws IOException {
        CSVFormat format = (delimiter == '\t' ? CSVFormat.TDF : CSVFormat.RFC4180).builder()
                .setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
                .setAllowMissingColumnNames(true).setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL)
                .setTrim(delimiter == '\t').get();
        try {
            this.parser = CSVParser.builder().setReader(reader).setFormat(format).get();
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw DatasetProblems.malformed("the header line", 1, rootMessage(e));
        }
        this.columns = parser.getHeaderNames();
        this.records = parser.iterator();
        this.wanted = wanted;
        wanted.requireIn(columns);
        for (String column : wanted.required()) {
            if (Collections.frequency(columns, column) > 1) {
                throw DatasetProblems.duplicateColumn(column, columns);
            }
        }
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public LabelledRow next() {
        CSVRecord record;
        try {
            if (!records.hasNext()) {
                return null;
            }
            record = records.next();
        } catch (UncheckedIOException | IllegalStateException e) {
            throw DatasetProblems.readFailure(e, parser.getCurrentLineNumber() + 1, rootMessage(e));
        }
        long line = parser.getCurrentLineNumber();
        if (!wanted.required().stream().allMatch(record::isSet)) {
            throw DatasetProblems.malformedLine(line, "it has " + record.size()
                    + " fields but the header has " + columns.size());
        }
        return wanted.row(line, record::get, wanted.label() == null ? List.of()
                : Collections.singletonList(record.get(wanted.label())), false);
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
