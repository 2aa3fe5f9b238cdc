package dev.attune.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.attune.errors.InvalidInput;
import dev.attune.modeling.ClassifierModel;
import dev.attune.modeling.LongText;
import dev.attune.modeling.ProblemType;
import dev.attune.system.AttuneProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Service;

/**
 * Explanations of predictions: per text, every word's integrated-gradients attribution toward the predicted label (or
 * the one asked for, or a regression's value), computed on the model's libtorch copy ({@link ExplainModels}) whatever
 * engine served the prediction. Bounded per request: attune.predict.explain.max-texts texts, max-steps steps.
 */
@Service
public class Explainer {

    /** What a regression's explanation names as its label. */
    static final String VALUE = "value";

    private final ExplainModels models;
    private final AttuneProperties.Explain settings;
    private final Timer latency;
    /** Explain requests running or waiting: bounded, so they never take every request thread. */
    private final java.util.concurrent.Semaphore inFlight;

    Explainer(ExplainModels models, AttuneProperties properties, MeterRegistry registry) {
        this.models = models;
        this.settings = properties.predict().explain();
        this.inFlight = new java.util.concurrent.Semaphore(settings.maxInFlight());
        this.latency = Timer.builder("attune.explain.latency").description("time to explain one text (waiting included)")
                .publishPercentileHistogram().register(registry);
    }

    /**
     * What can be refused before any prediction: too many texts, steps out of range.
     *
     * @param steps the request's steps; null: the default
     */
    public void check(int texts, Integer steps) {
        if (texts > settings.maxTexts()) {
            throw new InvalidInput("Too many texts to explain", "The request asks explanations for " + texts
                    + " texts; at most " + settings.maxTexts() + " per request (attune.predict.explain.max-texts): "
                    + "each costs " + steps(steps) + " forward and backward passes. Split the request, or send "
                    + "\"explain\": false.").with("maxTexts", settings.maxTexts());
        }
        if (steps != null && (steps < 2 || steps > settings.maxSteps())) {
            throw new InvalidInput("Steps out of range", "\"steps\" is " + steps + "; it must be 2.."
                    + settings.maxSteps() + " (attune.predict.explain.max-steps). Leave it out for the default, "
                    + settings.defaultSteps() + ".").with("maxSteps", settings.maxSteps());
        }
    }

    /**
     * Each text's (or pair's) explanation, in order.
     *
     * @param pairs each text's second text for a sentence-pair model; null for single texts
     * @param labels each text's predicted label (null for a regression model)
     * @param label the label to explain instead of the predicted one; null: the predicted one
     * @param longText the request's long-text rule; null: the model's own
     * @param steps null: the default
     */
    public List<Explanation> explain(String modelId, List<String> texts, List<String> pairs, List<String> labels,
            String label, LongText longText, Integer steps) {
        check(texts.size(), steps);
        int points = steps(steps);
        if (!inFlight.tryAcquire()) {
            throw new dev.attune.errors.Overloaded("Too many explanations", settings.maxInFlight() + " explain requests "
                    + "run or wait on this node already (attune.predict.explain.max-in-flight). Retry shortly, or "
                    + "predict without \"explain\".").retryAfter(5);
        }
        ExplainModels.Loaded loaded;
        try {
            loaded = models.acquire(modelId);
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
        try {
            ClassifierModel model = loaded.model();
            List<Explanation> explanations = new ArrayList<>(texts.size());
            for (int i = 0; i < texts.size(); i++) {
                String target = target(model, modelId, label, labels.get(i));
                ReadText read = pairs == null ? read(model, texts.get(i), i, longText)
                        : readPair(model, texts.get(i), pairs.get(i));
                int output = model.problemType() == ProblemType.REGRESSION ? 0 : model.config().labels().indexOf(target);
                IntegratedGradients.Result result;
                long start = System.nanoTime();
                loaded.running().lock();
                try {
                    result = ModelAttributions.of(model, read, output, points, perPass(read.ids().length));
                } finally {
                    loaded.running().unlock();
                    latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                }
                explanations.add(explanation(target, read, result, points));
            }
            return explanations;
        } finally {
            loaded.release();
            inFlight.release();
        }
    }

    /** Points per pass: stepsPerPass, fewer for a long text (tokensPerPass bounds a pass's memory). */
    private int perPass(int tokens) {
        return Math.max(1, Math.min(settings.stepsPerPass(), settings.tokensPerPass() / tokens));
    }

    private int steps(Integer steps) {
        return steps == null ? settings.defaultSteps() : steps;
    }

    /** The label explained: the one asked for (a 400 when the model has no such label), else the predicted one. */
    private static String target(ClassifierModel model, String modelId, String asked, String predicted) {
        if (model.problemType() == ProblemType.REGRESSION) {
            if (asked != null && !asked.equals(VALUE)) {
                throw new InvalidInput("No such label", "Model " + modelId + " is a regression model: it has no "
                        + "labels, and its predicted value is what is explained. Leave \"explainLabel\" out.");
            }
            return VALUE;
        }
        List<String> labels = model.config().labels();
        if (asked != null && !labels.contains(asked)) {
            throw new InvalidInput("No such label", "\"explainLabel\" is '" + asked + "', which model " + modelId
                    + " does not have; its labels are " + labels + ". Name one of them, or leave it out for the "
                    + "predicted label.").with("labels", labels);
        }
        return asked != null ? asked : predicted;
    }

    /** The tokens the model reads of the text; a text that would be read in several windows is refused. */
    private static ReadText read(ClassifierModel model, String text, int index, LongText asked) {
        LongText rule = asked != null ? asked : model.windowRule().rule();
        ReadText read = ReadText.of(text, model.textEncoder().encoding(text, null, 0), model.maxLength(), rule);
        if (rule == LongText.SLIDING_WINDOW && read.truncated()) {
            throw new InvalidInput("Text too long to explain", "Text " + index + " is longer than the model's "
                    + model.maxLength() + " tokens and would be read in sliding windows, which explanations do not "
                    + "cover. Send \"longText\": \"truncate\" or \"head_tail\" to explain what the model reads of it, "
                    + "or a shorter text.").with("maxLength", model.maxLength());
        }
        return read;
    }

    /** A pair as /predict reads it: cut to maxLength longest side first, whatever the long-text rule. */
    private static ReadText readPair(ClassifierModel model, String text, String pair) {
        int whole = model.textEncoder().encoding(text, pair, 0).getIds().length;
        return ReadText.ofPair(text, pair, model.textEncoder().encoding(text, pair, model.maxLength()), whole);
    }

    private static Explanation explanation(String label, ReadText read, IntegratedGradients.Result result, int steps) {
        float[] perWord = read.perWord(result.attributions());
        List<Explanation.WordAttribution> words = new ArrayList<>(perWord.length);
        for (int w = 0; w < perWord.length; w++) {
            ReadText.Word word = read.words().get(w);
            words.add(new Explanation.WordAttribution(word.text(), word.start(), word.end(), perWord[w],
                    read.pair() ? word.inPair() : null));
        }
        return new Explanation(label, words, result.atInput(), result.atBaseline(), result.difference(),
                result.completenessError(), steps, read.truncated());
    }
}
