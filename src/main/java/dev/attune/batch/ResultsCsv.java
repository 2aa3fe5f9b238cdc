package dev.attune.batch;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** A batch prediction's JSON lines as CSV: the input row, the predicted label (or value), and each label's probability. */
final class ResultsCsv {

    private ResultsCsv() {
    }

    /** @param jsonLines the results' lines, in row order */
    static void write(Iterator<String> jsonLines, Writer out, ObjectMapper mapper) throws IOException {
        write(jsonLines, out, mapper, false);
    }

    /**
     * @param selection the lines of a selection, best first: each row's rank and the score that chose it lead
     *     (columns rank, selection_score; the score is empty for random)
     */
    static void write(Iterator<String> jsonLines, Writer out, ObjectMapper mapper, boolean selection) throws IOException {
        CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180);
        List<String> labels = null;
        boolean pairs = false;
        while (jsonLines.hasNext()) {
            JsonNode row = mapper.readTree(jsonLines.next());
            JsonNode prediction = row.get("prediction");
            if (labels == null) { // the header, from the first row
                labels = new ArrayList<>();
                if (prediction.has("probabilities")) {
                    prediction.get("probabilities").propertyNames().forEach(labels::add);
                }
                pairs = row.has("textPair");
                List<String> header = new ArrayList<>(selection ? List.of("rank", "selection_score") : List.of());
                header.addAll(List.of("index", "text"));
                if (pairs) {
                    header.add("text_pair");
                }
                header.addAll(List.of("label", "predicted", "score"));
                labels.forEach(label -> header.add("p_" + label));
                csv.printRecord(header);
            }
            List<Object> record = new ArrayList<>();
            if (selection) {
                record.add(row.get("rank").asInt());
                record.add(row.get("score").isNull() ? "" : row.get("score").asDouble());
            }
            record.addAll(List.of(row.get("index").asLong(), row.get("text").asString()));
            if (pairs) {
                record.add(row.get("textPair").asString());
            }
            record.add(row.has("label") ? row.get("label").asString() : ""); // none in a data set without labels
            record.add(prediction.has("labels") ? String.join(",", prediction.get("labels").valueStream()
                    .map(JsonNode::asString).toList()) : prediction.has("label") ? prediction.get("label").asString()
                    : prediction.get("score").asString());
            record.add(prediction.get("score").asDouble());
            for (String label : labels) {
                record.add(prediction.get("probabilities").get(label).asDouble());
            }
            csv.printRecord(record);
        }
        csv.flush();
    }
}
