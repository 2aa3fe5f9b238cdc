package dev.attune.monitoring;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures counted per deployment, model and minute, each over fixed bins so that counts from any node and any
 * minute add up, and a window compares with the reference bin by bin.
 */
enum Figure {

    /** The top label answered: one bin per label. */
    LABEL("label"),
    /** The top label's score: 10 bins of 0.1 over [0, 1]. */
    TOP_SCORE("top_score"),
    /** Tokens read, as a share of the model's maxLength: 10 bins of 10% (a longer text read in windows: the last). */
    TOKENS("tokens"),
    /** Whether part of the text went unread: {@code no}, {@code yes}. */
    TRUNCATED("truncated"),
    /** Whether any token was the tokenizer's unknown token: {@code none}, {@code some}. */
    UNKNOWN_TOKENS("unknown_tokens"),
    /** A request's latency in milliseconds, per request: no reference has it (training measures no serving). */
    LATENCY("latency_ms"),
    /** Requests and texts served: bins {@code requests}, {@code texts}. */
    TRAFFIC("traffic");

    static final int SCORE_BINS = 10;
    static final int TOKEN_BINS = 10;
    /** Latency bins' upper edges in milliseconds (1-2-3-5-7 steps); a last bin above the largest. */
    static final double[] LATENCY_EDGES = {0.5, 1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700,
        1000, 1500, 2000, 3000, 5000, 10000};

    final String id;

    Figure(String id) {
        this.id = id;
    }

    /** The figures compared with the reference by their population stability index. */
    static List<Figure> drifting() {
        return List.of(LABEL, TOP_SCORE, TOKENS, TRUNCATED, UNKNOWN_TOKENS);
    }

    static Figure of(String id) {
        for (Figure figure : values()) {
            if (figure.id.equals(id)) {
                return figure;
            }
        }
        throw new IllegalArgumentException("no figure " + id);
    }

    /** The fixed bins in order; labels have none fixed (the reference's and the window's, in that order). */
    List<String> fixedBins() {
        return switch (this) {
            case TOP_SCORE -> ranges(SCORE_BINS, false);
            case TOKENS -> ranges(TOKEN_BINS, true);
            case TRUNCATED -> List.of("no", "yes");
            case UNKNOWN_TOKENS -> List.of("none", "some");
            case LATENCY -> latencyBins();
            case TRAFFIC -> List.of("requests", "texts");
            case LABEL -> List.of();
        };
    }

    static int scoreBin(double score) {
        return Math.max(0, Math.min(SCORE_BINS - 1, (int) Math.floor(score * SCORE_BINS)));
    }

    /** 1..maxLength tokens in 10 equal bins (none: the first); more (windows) in the last. */
    static int tokenBin(int tokens, int maxLength) {
        if (tokens <= 0 || maxLength <= 0) {
            return 0;
        }
        return Math.min(TOKEN_BINS - 1, (int) ((long) (tokens - 1) * TOKEN_BINS / maxLength));
    }

    static int latencyBin(long nanos) {
        double millis = nanos / 1e6;
        for (int i = 0; i < LATENCY_EDGES.length; i++) {
            if (millis <= LATENCY_EDGES[i]) {
                return i;
            }
        }
        return LATENCY_EDGES.length;
    }

    private static List<String> ranges(int bins, boolean percent) {
        List<String> names = new ArrayList<>(bins);
        for (int i = 0; i < bins; i++) {
            names.add(percent ? (i * 100 / bins) + "-" + ((i + 1) * 100 / bins) + "%"
                    : "%.1f-%.1f".formatted((double) i / bins, (double) (i + 1) / bins));
        }
        return names;
    }

    private static List<String> latencyBins() {
        List<String> names = new ArrayList<>();
        for (double edge : LATENCY_EDGES) {
            names.add("<=" + trim(edge));
        }
        names.add(">" + trim(LATENCY_EDGES[LATENCY_EDGES.length - 1]));
        return names;
    }

    private static String trim(double edge) {
        return edge == Math.rint(edge) ? Long.toString((long) edge) : Double.toString(edge);
    }
}
