package dev.attune.monitoring;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Counts per figure and bin: a minute's on one node, a window's summed over nodes, or a reference's. */
final class Counts {

    private final Map<Figure, Map<String, Long>> byFigure = new EnumMap<>(Figure.class);

    void add(Figure figure, String bin, long count) {
        if (count != 0) {
            byFigure.computeIfAbsent(figure, f -> new LinkedHashMap<>()).merge(bin, count, Long::sum);
        }
    }

    void addAll(Counts other) {
        other.byFigure.forEach((figure, bins) -> bins.forEach((bin, count) -> add(figure, bin, count)));
    }

    /** The bins counted (only those with a count), in the order first counted. */
    Map<String, Long> of(Figure figure) {
        return byFigure.getOrDefault(figure, Map.of());
    }

    long total(Figure figure) {
        return of(figure).values().stream().mapToLong(Long::longValue).sum();
    }

    long texts() {
        return of(Figure.TRAFFIC).getOrDefault("texts", 0L);
    }

    long requests() {
        return of(Figure.TRAFFIC).getOrDefault("requests", 0L);
    }

    boolean isEmpty() {
        return byFigure.isEmpty();
    }

    Map<Figure, Map<String, Long>> all() {
        return byFigure;
    }
}
