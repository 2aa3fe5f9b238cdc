package dev.attune.batch;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.attune.job.JobDirectories;
import dev.attune.scoring.ResultsFile;

import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A batch prediction's selection (issue 33): once every row is scored, it reads the committed results, picks the
 * rows to label next ({@link RowSelector}) and writes them, best first, to a file of this run's own under the job's
 * directory; the run then records the file's name in its summary under the lease, so a run that lost the job adds a
 * file nobody reads. Each line: {rank, index, score, text, [textPair], [label], prediction} (the prediction as in
 * the results: label or labels, score, probabilities).
 */
@Component
class BatchSelections {

    private final BatchResults results;
    private final JobDirectories directories;
    private final ObjectMapper mapper;

    BatchSelections(BatchResults results, JobDirectories directories, ObjectMapper mapper) {
        this.results = results;
        this.directories = directories;
        this.mapper = mapper;
    }

    /** Selects from the job's committed results and writes the selection; the job's summary must then name it. */
    BatchOutcome.Selected select(String jobId, Selection selection) throws IOException {
        RowSelector selector = null;
        try (ResultsFile.Rows rows = results.read(jobId)) {
            while (rows.hasNext()) {
                JsonNode line = mapper.readTree(rows.next());
                JsonNode prediction = line.get("prediction");
                JsonNode p = prediction.get("probabilities");
                if (selector == null) { // multi-label answers list the labels over their thresholds, on every row
                    selector = new RowSelector(selection, prediction.has("labels"));
                }
                if (p == null && selection.strategy().needsProbabilities()) {
                    throw new IllegalStateException(selection.strategy().id() + " needs the model's probabilities; "
                            + "row " + line.get("index") + " has none (a regression)");
                }
                selector.offer(p == null ? null : p.valueStream().mapToDouble(JsonNode::doubleValue).toArray());
            }
        }
        List<RowSelector.Chosen> chosen = selector == null ? List.of() : selector.chosen();
        Map<Integer, Integer> ranks = new HashMap<>(chosen.size() * 2);
        for (int rank = 0; rank < chosen.size(); rank++) {
            ranks.put(chosen.get(rank).position(), rank);
        }
        String[] lines = new String[chosen.size()];
        try (ResultsFile.Rows rows = results.read(jobId)) {
            for (int position = 0; rows.hasNext(); position++) { // the committed results read again, in the same order
                String text = rows.next();
                Integer rank = ranks.get(position);
                if (rank != null) {
                    lines[rank] = line(rank, chosen.get(rank).score(), mapper.readTree(text));
                }
            }
        }
        for (int rank = 0; rank < lines.length; rank++) {
            if (lines[rank] == null) {
                throw new IllegalStateException("the results changed while the selection was made: rank " + (rank + 1)
                        + " is no longer there");
            }
        }
        Path dir = directories.of(jobId);
        String name = "selection-" + UUID.randomUUID().toString().substring(0, 13) + ".jsonl";
        Path temp = dir.resolve("." + name + ".tmp");
        try {
            try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                for (String line : lines) {
                    out.write(line);
                    out.write('\n');
                }
            }
            Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp); // nothing half-written stays behind a failed write
        }
        return new BatchOutcome.Selected(name, lines.length);
    }

    private String line(int rank, Double score, JsonNode result) {
        ObjectNode line = mapper.createObjectNode();
        line.put("rank", rank + 1);
        line.set("index", result.get("index"));
        if (score == null) {
            line.putNull("score");
        } else {
            line.put("score", score);
        }
        line.set("text", result.get("text"));
        if (result.has("textPair")) {
            line.set("textPair", result.get("textPair"));
        }
        if (result.has("label")) {
            line.set("label", result.get("label"));
        }
        line.set("prediction", result.get("prediction"));
        return mapper.writeValueAsString(line);
    }

    /** The selection's lines, best first, from the file the job's summary names. */
    BufferedReader read(String jobId, String file) throws IOException {
        Path dir = directories.of(jobId).normalize();
        Path path = dir.resolve(file).normalize();
        if (!path.startsWith(dir) || !file.startsWith("selection-")) {
            throw new IOException("Selection file " + file + " is not the job's");
        }
        return Files.newBufferedReader(path, StandardCharsets.UTF_8);
    }
}
