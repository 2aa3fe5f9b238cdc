package dev.attune.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** JSON Lines: one object per line; blank lines are ignored. */
final class JsonLinesRowSource implements RowSource {

    private final BufferedReader reader;
    private final ObjectMapper mapper;
    private final Columns wanted;
    private List<String> columns = List.of();
    private JsonNode first;
    private long lineNumber;
    private long firstLine;

    JsonLinesRowSource(BufferedReader reader, ObjectMapper mapper, Columns wanted) {
        this.reader = reader;
        this.mapper = mapper;
        this.wanted = wanted;
        this.first = readObject();
        this.firstLine = lineNumber;
        if (first != null) {
            this.columns = new ArrayList<>(first.propertyNames());
            wanted.requireIn(columns);
        }
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public LabelledRow next() {
        JsonNode object;
        long line;
        if (first != null) {
            object = first;
            line = firstLine;
            first = null;
        } else {
            object = readObject();
            line = lineNumber;
        }
        if (object == null) {
            return null;
        }
        String labelColumn = wanted.label();
        if (labelColumn == null) { // rows without labels: a label field, if any, is not read
            return wanted.row(line, field -> text(object, field, line), List.of(), false);
        }
        JsonNode label = object.get(labelColumn);
        if (label == null || label.isNull() || label.isObject()) {
            throw DatasetProblems.malformedLine(line,
                    "field '" + labelColumn + "' is missing or not a string, a number or an array of them");
        }
        List<String> labels = new ArrayList<>();
        for (JsonNode value : label.isArray() ? label : List.of(label)) {
            if (value.isContainer() || value.isNull()) {
                throw DatasetProblems.malformedLine(line,
                        "field '" + labelColumn + "' holds an array whose elements must be strings or numbers");
            }
            labels.add(value.isString() ? value.stringValue() : value.asString());
        }
        return wanted.row(line, field -> text(object, field, line), labels, label.isArray());
    }

    /** A text field: a string (a number reads as its digits); null when missing. */
    private static String text(JsonNode object, String field, long line) {
        JsonNode text = object.get(field);
        if (text != null && text.isContainer()) {
            throw DatasetProblems.malformedLine(line, "field '" + field + "' is a JSON "
                    + (text.isArray() ? "array" : "object") + "; it must be one string (join the parts yourself)");
        }
        return text == null || text.isNull() ? null : text.isString() ? text.stringValue() : text.toString();
    }

    private JsonNode readObject() {
        String line;
        try {
            do {
                line = reader.readLine();
                lineNumber++;
            } while (line != null && line.isBlank());
        } catch (IOException e) {
            throw DatasetProblems.readFailure(new UncheckedIOException(e), lineNumber + 1, e.getMessage());
        }
        if (line == null) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(line);
            if (!node.isObject()) {
                throw DatasetProblems.malformedLine(lineNumber, "it is not a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw DatasetProblems.malformedLine(lineNumber, "it is not valid JSON: " + e.getOriginalMessage());
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
