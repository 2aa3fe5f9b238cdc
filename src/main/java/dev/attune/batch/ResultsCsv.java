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
                List<String> header = new ArrayList<>(List.of("index", "text"));
                if (pairs) {
                    header.add("text_pair");
                }
                header.addAll(List.of("label", "predicted", "score"));
                labels.forEach(label -> header.add("p_" + label));
                csv.printRecord(header);
            }
            List<Object> record = new ArrayList<>(List.of(row.get("index").asLong(), row.get("text").asString()));
            if (pairs) {
                record.add(row.get("textPair").asString());
            }
            record.add(row.get("label").asString());
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
