package dev.attune.monitoring;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.attune.serving.Prediction;

/**
 * One deployment and model's counts for one minute, as requests add to them: {@link LongAdder}s (striped, no lock
 * any two requests share) that the flush drains with {@code sumThenReset}, which loses no increment made meanwhile
 * (each cell is swapped to 0 atomically: a concurrent increment lands before or after, counted now or at the next
 * flush).
 */
final class BucketCounts {

    /** The width of monitoring_counts.bin. */
    static final int MAX_BIN = 255;

    private final Map<String, LongAdder> labels = new ConcurrentHashMap<>();
    private final LongAdder[] scores = adders(Figure.SCORE_BINS);
    private final LongAdder[] tokens = adders(Figure.TOKEN_BINS);
    private final LongAdder[] truncated = adders(2);
    private final LongAdder[] unknown = adders(2);
    private final LongAdder[] latency = adders(Figure.LATENCY_EDGES.length + 1);
    private final LongAdder requests = new LongAdder();
    private final LongAdder texts = new LongAdder();

    /** A request's latency; its texts are added one by one. */
    void addRequest(long nanos) {
        requests.increment();
        latency[Figure.latencyBin(nanos)].increment();
    }

    /** One text: its answer (a regression's has no label), the tokens read and the unknown ones among them. */
    void addText(Prediction prediction, int tokenCount, int unknownTokens, int maxLength) {
        texts.increment();
        if (prediction.label() != null) {
            labels.computeIfAbsent(bin(prediction.label()), label -> new LongAdder()).increment();
            scores[Figure.scoreBin(prediction.score())].increment();
        }
        tokens[Figure.tokenBin(tokenCount, maxLength)].increment();
        truncated[prediction.truncated() ? 1 : 0].increment();
        unknown[unknownTokens > 0 ? 1 : 0].increment();
    }

    /**
     * A label as a bin: at most {@link #MAX_BIN} characters (monitoring_counts.bin; dataset labels may be 256 long,
     * an imported checkpoint's any length), never ending in half a surrogate pair. One longer row would fail the
     * flush's all-or-none write, every time, for every model's counts. Traffic and reference cut alike.
     */
    static String bin(String label) {
        if (label.length() <= MAX_BIN) {
            return label;
        }
        int end = Character.isHighSurrogate(label.charAt(MAX_BIN - 1)) ? MAX_BIN - 1 : MAX_BIN;
        return label.substring(0, end);
    }

    /** Takes every count (the counters start again from 0) into {@code into}. */
    void drainInto(Counts into) {
        labels.forEach((label, count) -> into.add(Figure.LABEL, label, count.sumThenReset()));
        drain(Figure.TOP_SCORE, scores, into);
        drain(Figure.TOKENS, tokens, into);
        drain(Figure.TRUNCATED, truncated, into);
        drain(Figure.UNKNOWN_TOKENS, unknown, into);
        drain(Figure.LATENCY, latency, into);
        into.add(Figure.TRAFFIC, "requests", requests.sumThenReset());
        into.add(Figure.TRAFFIC, "texts", texts.sumThenReset());
    }

    private static void drain(Figure figure, LongAdder[] adders, Counts into) {
        List<String> bins = figure.fixedBins();
        for (int i = 0; i < adders.length; i++) {
            into.add(figure, bins.get(i), adders[i].sumThenReset());
        }
    }

    private static LongAdder[] adders(int size) {
        LongAdder[] adders = new LongAdder[size];
        for (int i = 0; i < size; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }
}
