package dev.attune.monitoring;

import java.io.IOException;
import java.util.List;

import dev.attune.modeling.TextClassifier;
import dev.attune.modeling.TextEncoder;
import dev.attune.modeling.WindowRule;
import dev.attune.serving.Prediction;
import dev.attune.serving.Predictions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Measures a model's reference: its validation texts read and answered as /predict reads and answers them (the
 * model's maxLength and long-text rule, its calibration; windows averaged), counted in the same bins as traffic.
 * The fine-tuning job calls it once the model is registered.
 */
@Component
public class ReferenceFigures {

    private static final Logger log = LoggerFactory.getLogger(ReferenceFigures.class);
    private static final int BATCH = 32;
    /** Texts measured at most (the first of the validation rows, which are a random sample already). */
    static final int MAX_ROWS = 5_000;

    private final References references;

    ReferenceFigures(References references) {
        this.references = references;
    }

    /**
     * Measures and stores the model's reference; a failure is logged and leaves the model without one (its
     * monitoring then says no_reference), never fails the job.
     *
     * @param pairs each text's pair for a sentence-pair model; null for single texts
     * @return what it measured, or null when it could not
     */
    public String measureAndStore(String modelId, TextClassifier model, List<String> texts, List<String> pairs,
            String source) {
        if (texts.isEmpty()) {
            return null;
        }
        try {
            Reference reference = measure(model, texts, pairs, source);
            references.write(modelId, reference);
            return "monitoring reference: %d %s".formatted(reference.rows(), source);
        } catch (IOException | RuntimeException e) {
            log.warn("No monitoring reference for model {}: {}", modelId, e.toString());
            return null;
        }
    }

    static Reference measure(TextClassifier model, List<String> texts, List<String> pairs, String source) {
        int rows = Math.min(texts.size(), MAX_ROWS);
        int maxLength = model.maxLength();
        WindowRule rule = model.windowRule();
        TextEncoder encoder = model.textEncoder();
        long unknownId = encoder.unknownId();
        BucketCounts bucket = new BucketCounts();
        for (int from = 0; from < rows; from += BATCH) {
            int to = Math.min(rows, from + BATCH);
            List<List<TextEncoder.Tokens>> windows = encoder.windows(texts.subList(from, to),
                    pairs == null ? null : pairs.subList(from, to), maxLength, rule.rule(), rule.strideFor(maxLength));
            float[][] outputs = model.outputsOfWindows(windows);
            for (int i = 0; i < windows.size(); i++) {
                List<TextEncoder.Tokens> text = windows.get(i);
                int tokens = 0;
                int unknown = 0;
                for (TextEncoder.Tokens window : text) {
                    tokens += window.ids().length;
                    for (long id : window.ids()) {
                        unknown += unknownId >= 0 && id == unknownId ? 1 : 0;
                    }
                }
                Prediction prediction = Predictions.of(model, outputs[i],
                        text.stream().anyMatch(TextEncoder.Tokens::truncated), text.size() > 1 ? text.size() : null);
                bucket.addText(prediction, tokens, unknown, maxLength);
            }
        }
        Counts counts = new Counts();
        bucket.drainInto(counts);
        return Reference.of(source, maxLength, counts);
    }
}
