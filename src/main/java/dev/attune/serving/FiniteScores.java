package dev.attune.serving;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.attune.errors.Unavailable;
import dev.attune.modeling.ClassifierFacts;
import dev.attune.modeling.EncodedBatch;
import dev.attune.modeling.ProblemType;
import dev.attune.modeling.TextClassifier;
import dev.attune.modeling.TextEncoder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model opened for serving (/predict, batch scoring) whose outputs are checked before {@link Predictions} turns
 * them into answers: a probability or value that is NaN or infinite (weights registered before they were checked,
 * an overflow in float32) is never served. The request gets a 503 naming the model: the service is up and other
 * models answer, but this one cannot until it is replaced, as when no model is loaded; not a 500, since nothing
 * went wrong in the request or the service. It is logged once per model, not once per request.
 */
final class FiniteScores implements TextClassifier {

    private static final Logger log = LoggerFactory.getLogger(FiniteScores.class);
    /** The models already logged since this process started. */
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private final String modelId;
    private final TextClassifier model;

    FiniteScores(String modelId, TextClassifier model) {
        this.modelId = modelId;
        this.model = model;
    }

    @Override
    public float[][] outputs(List<TextEncoder.Tokens> texts) {
        return checked(model.outputs(texts));
    }

    @Override
    public float[][] outputsOfWindows(List<List<TextEncoder.Tokens>> texts) {
        return checked(model.outputsOfWindows(texts));
    }

    /** What a long request's passes end in ({@code MicroBatcher.runInChunks}): checked as every other answer. */
    @Override
    public float[][] outputsOfLogits(float[][] logits) {
        return checked(model.outputsOfLogits(logits));
    }

    private float[][] checked(float[][] outputs) {
        for (float[] row : outputs) {
            for (int c = 0; c < row.length; c++) {
                if (!Float.isFinite(row[c])) {
                    throw refused(row[c], c);
                }
            }
        }
        return outputs;
    }

    private Unavailable refused(float value, int column) {
        String what = problemType() == ProblemType.REGRESSION ? "its predicted value"
                : "the probability of label '" + config().labels().get(column) + "'";
        if (LOGGED.add(modelId)) {
            log.error("Model {} produced {} as {}: it answers 503 instead of scores until it is replaced (this is "
                    + "logged once). Its weights hold NaN or infinity, or overflow float32; re-import or retrain it.", modelId,
                    value, what);
        }
        return (Unavailable) new Unavailable("Non-finite score", "Model " + modelId + " produced " + value + " as "
                + what + ", which is not a score, so it cannot answer. Replace the model (re-import or retrain it) or "
                + "ask another one.").with("modelId", modelId);
    }

    @Override
    public ClassifierFacts facts() {
        return model.facts();
    }

    @Override
    public float[][] logits(EncodedBatch batch) {
        return model.logits(batch);
    }

    @Override
    public float[][] logitsOfWindows(List<List<TextEncoder.Tokens>> texts) {
        return model.logitsOfWindows(texts);
    }

    @Override
    public String engine() {
        return model.engine();
    }

    @Override
    public void close() {
        model.close();
    }
}
