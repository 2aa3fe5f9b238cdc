package dev.attune.scoring;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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
import dev.attune.training.TrainingCancelledException;
import dev.attune.training.TrainingListener;

import org.springframework.stereotype.Service;
import tools.jackson.databind.ObjectMapper;

/**
 * Scores every row of a data set with a model, as /predict would answer them (the same engine and precision,
 * calibration and long-text rule), chunk by chunk into a results file that a resumed run continues; at the
 * end, when the data set's labels fit the model's, the figures its evaluation gives, from the written rows.
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
     * @param results the results file (kept across attempts: a resumed run continues it)
     */
    public ScoringOutcome run(String datasetId, String modelId, LongText longText, Path results,
            TrainingListener listener) throws IOException {
        listener.onPhase(TrainingListener.Phase.PREPARING, 0, 0);
        Dataset dataset = datasets.get(datasetId);
        List<DatasetRow> rows = datasets.allRows(datasetId);
        Files.createDirectories(results.getParent());
        int done = ResultsFile.completeLines(results);
        PredictorFactory.Opened opened = models.open(modelId);
        try (TextClassifier model = opened.classifier()) {
            WindowRule rule = longText == null ? model.windowRule() : new WindowRule(longText, model.windowRule().stride());
            int maxLength = model.maxLength();
            listener.log("scoring %d rows of '%s' with model %s through %s (%s), long texts: %s%s".formatted(rows.size(),
                    dataset.name(), modelId, model.engine(), opened.reason(), rule.rule().id(),
                    done > 0 ? "; resuming after row " + done : ""));
            long start = System.nanoTime();
            int scoredHere = 0;
            try (BufferedWriter out = Files.newBufferedWriter(results, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                for (int from = done; from < rows.size(); from += CHUNK) {
                    if (listener.cancelRequested()) {
                        throw new TrainingCancelledException(from); // rows done: the next attempt resumes there
                    }
                    List<DatasetRow> chunk = rows.subList(from, Math.min(rows.size(), from + CHUNK));
                    List<Prediction> predictions = score(model, chunk, rule, maxLength);
                    for (int i = 0; i < chunk.size(); i++) {
                        out.write(mapper.writeValueAsString(line(chunk.get(i), predictions.get(i))));
                        out.write('\n');
                    }
                    out.flush();
                    scoredHere += chunk.size();
                    listener.onPhase(TrainingListener.Phase.SCORING, from + chunk.size(), rows.size());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double textsPerSecond = scoredHere / Math.max(seconds, 1e-9);
            listener.log("scored %d rows in %.1f s (%.1f texts/s)".formatted(scoredHere, seconds, textsPerSecond));
            return new ScoringOutcome(rows.size(), textsPerSecond, metrics(model, results, rows, listener));
        }
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
        line.put("label", row.label());
        line.put("prediction", prediction);
        return line;
    }

    /** The evaluation figures, from the rows as written (a resumed run's earlier rows included). */
    private EvaluationMetrics metrics(TextClassifier model, Path results, List<DatasetRow> rows,
            TrainingListener listener) throws IOException {
        float[][] outputs = new float[rows.size()][];
        List<String> labels = model.config().labels();
        try (var lines = Files.lines(results)) {
            int[] index = {0};
            lines.forEach(text -> {
                var prediction = mapper.readTree(text).get("prediction");
                float[] row = new float[model.problemType() == ProblemType.REGRESSION ? 1 : labels.size()];
                for (int c = 0; c < row.length; c++) {
                    row[c] = (float) (model.problemType() == ProblemType.REGRESSION ? prediction.get("score").asDouble()
                            : prediction.get("probabilities").get(labels.get(c)).asDouble());
                }
                outputs[index[0]++] = row;
            });
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
