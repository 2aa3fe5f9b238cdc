package dev.attune.scoring;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.attune.dataset.Dataset;
import dev.attune.dataset.DatasetRow;
import dev.attune.dataset.DatasetService;
import dev.attune.modeling.LongText;
import dev.attune.modeling.ProblemType;
import dev.attune.modeling.TextClassifier;
import dev.attune.modeling.TextEncoder;
import dev.attune.modeling.WindowRule;
import dev.attune.serving.Prediction;
import dev.attune.serving.PredictorFactory;
import dev.attune.serving.Predictions;
import dev.attune.training.EvaluationMetrics;
import dev.attune.training.ScoredMetrics;
import dev.attune.work.WorkCancelledException;
import dev.attune.work.WorkListener;

import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Scores every row of a data set with a model, as /predict would answer them (the same engine and precision,
 * calibration and long-text rule), chunk by chunk into the job's results ({@link ResultsFile}: each chunk on the
 * disk, then committed under the job's lease), skipping the rows already committed; at the end, when the data
 * set's labels fit the model's, the figures its evaluation gives, from the committed rows.
 */
@Service
public class BatchScorer {

    /** Rows tokenized and run together: length-grouped inside, so padding stays small. */
    private static final int CHUNK = 256;

    private final DatasetService datasets;
    private final PredictorFactory models;
    private final ObjectMapper mapper;

    BatchScorer(DatasetService datasets, PredictorFactory models, ObjectMapper mapper) {
        this.datasets = datasets;
        this.models = models;
        this.mapper = mapper;
    }

    /**
     * @param longText how long texts are read for this run; null: as the model was trained
     * @param results where the rows go: a resumed run scores only the rows the committed results lack; each chunk
     *     is on the disk before it is committed, and a refused commit (the job is another worker's now) stops the
     *     run at once
     */
    public ScoringOutcome run(String datasetId, String modelId, LongText longText, ResultsTarget results,
            WorkListener listener) throws IOException {
        listener.onPhase(WorkListener.Phase.PREPARING, 0, 0);
        Dataset dataset = datasets.get(datasetId);
        List<DatasetRow> rows = datasets.allRows(datasetId);
        Map<Long, Integer> positions = positions(rows);
        BitSet done = new BitSet(rows.size());
        try (ResultsFile.Rows committed = ResultsFile.read(results.dir(), results.committed())) {
            committed.forEachRemaining(line -> done.set(position(positions, ResultsFile.index(line))));
        }
        ResultsFile.removeUncommitted(results.dir(), results.committed());
        List<DatasetRow> todo = rows.stream().filter(row -> !done.get(positions.get(row.index()))).toList();
        PredictorFactory.Opened opened = models.open(modelId);
        try (TextClassifier model = opened.classifier()) {
            WindowRule rule = longText == null ? model.windowRule() : new WindowRule(longText, model.windowRule().stride());
            int maxLength = model.maxLength();
            listener.log("scoring %d rows of '%s' with model %s through %s (%s), long texts: %s%s".formatted(rows.size(),
                    dataset.name(), modelId, model.engine(), opened.reason(), rule.rule().id(),
                    todo.size() < rows.size() ? "; resuming: " + (rows.size() - todo.size()) + " rows scored before" : ""));
            long start = System.nanoTime();
            List<ResultsPart> parts = results.committed();
            try (ResultsFile.Appender out = ResultsFile.newPart(results.dir())) {
                for (int from = 0; from < todo.size(); from += CHUNK) {
                    if (listener.cancelRequested()) {
                        throw new WorkCancelledException("cancelled at row " + from); // rows committed: the next attempt resumes there
                    }
                    List<DatasetRow> chunk = todo.subList(from, Math.min(todo.size(), from + CHUNK));
                    List<Prediction> predictions = score(model, chunk, rule, maxLength);
                    List<String> lines = new ArrayList<>(chunk.size());
                    for (int i = 0; i < chunk.size(); i++) {
                        lines.add(mapper.writeValueAsString(line(chunk.get(i), predictions.get(i))));
                    }
                    out.append(lines);
                    List<ResultsPart> now = new ArrayList<>(results.committed());
                    now.add(out.part());
                    if (!results.commit().commit(now)) { // the lease's fence: the job is another worker's now
                        throw new WorkCancelledException("cancelled at row " + from);
                    }
                    parts = now;
                    listener.onPhase(WorkListener.Phase.SCORING, rows.size() - todo.size() + from + chunk.size(),
                            rows.size());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double textsPerSecond = todo.size() / Math.max(seconds, 1e-9);
            listener.log("scored %d rows in %.1f s (%.1f texts/s)".formatted(todo.size(), seconds, textsPerSecond));
            if (!dataset.labelled()) {
                listener.log("no figures: the data set has no labels");
            }
            return new ScoringOutcome(rows.size(), textsPerSecond, dataset.labelled()
                    ? metrics(model, results.dir(), parts, rows, positions, listener) : null);
        }
    }

    /** Each row's position in the data set, by its index. */
    private static Map<Long, Integer> positions(List<DatasetRow> rows) {
        Map<Long, Integer> positions = new HashMap<>(rows.size() * 2);
        for (int i = 0; i < rows.size(); i++) {
            positions.put(rows.get(i).index(), i);
        }
        return positions;
    }

    private static int position(Map<Long, Integer> positions, long index) {
        Integer position = positions.get(index);
        if (position == null) {
            throw new IllegalStateException("The results hold row " + index + ", which the data set does not have");
        }
        return position;
    }

    private static List<Prediction> score(TextClassifier model, List<DatasetRow> chunk, WindowRule rule, int maxLength) {
        List<String> texts = chunk.stream().map(DatasetRow::text).toList();
        List<String> pairs = chunk.get(0).textPair() == null ? null : chunk.stream().map(DatasetRow::textPair).toList();
        List<List<TextEncoder.Tokens>> windows = model.textEncoder().windows(texts, pairs, maxLength, rule.rule(),
                rule.strideFor(maxLength));
        float[][] outputs = windows.stream().anyMatch(w -> w.size() > 1) ? model.outputsOfWindows(windows)
                : model.outputs(windows.stream().map(w -> w.get(0)).toList());
        List<Prediction> predictions = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            List<TextEncoder.Tokens> textWindows = windows.get(i);
            predictions.add(Predictions.of(model, outputs[i], textWindows.stream().anyMatch(TextEncoder.Tokens::truncated),
                    textWindows.size() > 1 ? textWindows.size() : null));
        }
        return predictions;
    }

    /** A results line: the input row as stored, and what the model answered. */
    private static Map<String, Object> line(DatasetRow row, Prediction prediction) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("index", row.index());
        line.put("text", row.text());
        if (row.textPair() != null) {
            line.put("textPair", row.textPair());
        }
        if (row.label() != null) { // a data set without labels: none
            line.put("label", row.label());
        }
        line.put("prediction", prediction);
        return line;
    }

    /** The evaluation figures, from the committed rows (a resumed run's earlier rows included), by row index. */
    private EvaluationMetrics metrics(TextClassifier model, Path dir, List<ResultsPart> parts, List<DatasetRow> rows,
            Map<Long, Integer> positions, WorkListener listener) throws IOException {
        float[][] outputs = new float[rows.size()][];
        List<String> labels = model.config().labels();
        try (ResultsFile.Rows lines = ResultsFile.read(dir, parts)) {
            lines.forEachRemaining(text -> {
                JsonNode line = mapper.readTree(text);
                JsonNode prediction = line.get("prediction");
                float[] row = new float[model.problemType() == ProblemType.REGRESSION ? 1 : labels.size()];
                for (int c = 0; c < row.length; c++) {
                    row[c] = (float) (model.problemType() == ProblemType.REGRESSION ? prediction.get("score").asDouble()
                            : prediction.get("probabilities").get(labels.get(c)).asDouble());
                }
                outputs[position(positions, line.get("index").asLong())] = row;
            });
        }
        for (int i = 0; i < outputs.length; i++) {
            if (outputs[i] == null) {
                throw new IllegalStateException("The results lack row " + rows.get(i).index());
            }
        }
        try {
            EvaluationMetrics metrics = ScoredMetrics.of(model.problemType(), labels, model.thresholds(), outputs, rows);
            listener.log("figures on the data set's labels: " + metrics.summary());
            return metrics;
        } catch (IllegalArgumentException e) {
            listener.log("no figures: the data set's labels do not fit the model's (" + e.getMessage() + ")");
            return null;
        }
    }
}
