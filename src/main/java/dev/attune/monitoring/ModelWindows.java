package dev.attune.monitoring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.attune.monitoring.MonitoringResponse.Bin;
import dev.attune.monitoring.MonitoringResponse.FigureDrift;
import dev.attune.monitoring.MonitoringResponse.Latency;
import dev.attune.monitoring.MonitoringResponse.Minute;
import dev.attune.monitoring.MonitoringResponse.ModelWindow;
import dev.attune.monitoring.MonitoringResponse.ReferenceInfo;

/** One model's window judged against its reference: each figure's bins and index, its status. Pure. */
final class ModelWindows {

    private final double warnPsi;
    private final double alertPsi;
    private final int minTexts;

    ModelWindows(double warnPsi, double alertPsi, int minTexts) {
        this.warnPsi = warnPsi;
        this.alertPsi = alertPsi;
        this.minTexts = minTexts;
    }

    /** @param reference the model's; null when it has none */
    ModelWindow judge(String modelId, String role, Counts served, Reference reference, Map<Instant, Long> minutes) {
        List<FigureDrift> figures = new ArrayList<>();
        double worst = 0;
        boolean judged = reference != null && served.texts() >= minTexts;
        for (Figure figure : Figure.drifting()) {
            Map<String, Long> counts = served.of(figure);
            Map<String, Long> expected = reference == null ? Map.of() : reference.of(figure);
            if (counts.isEmpty() && expected.isEmpty()) {
                continue; // a regression's labels and scores
            }
            List<String> bins = bins(figure, counts, expected);
            Double psi = reference == null ? null : Psi.of(counts, expected, bins);
            String status = judged && psi != null ? DriftStatus.ofPsi(psi, warnPsi, alertPsi).id() : null;
            if (psi != null) {
                worst = Math.max(worst, psi);
            }
            figures.add(new FigureDrift(figure.id, psi, status, binsOf(bins, counts, reference == null ? null : expected)));
        }
        DriftStatus status = served.texts() == 0 ? DriftStatus.NO_TRAFFIC : reference == null ? DriftStatus.NO_REFERENCE
                : !judged ? DriftStatus.TOO_LITTLE_TRAFFIC : DriftStatus.ofPsi(worst, warnPsi, alertPsi);
        return new ModelWindow(modelId, role, status.id(), served.requests(), served.texts(),
                reference == null ? null : new ReferenceInfo(reference.source(), reference.rows(), reference.maxLength()),
                figures, latency(served.of(Figure.LATENCY)),
                minutes.entrySet().stream().map(e -> new Minute(e.getKey(), e.getValue())).toList());
    }

    /** Each figure's index, by figure id; only those that have one. */
    static Map<String, Double> psiOf(ModelWindow window) {
        Map<String, Double> psi = new java.util.LinkedHashMap<>();
        window.figures().stream().filter(f -> f.psi() != null).forEach(f -> psi.put(f.figure(), f.psi()));
        return psi;
    }

    private static List<String> bins(Figure figure, Map<String, Long> served, Map<String, Long> reference) {
        Set<String> bins = new LinkedHashSet<>(figure.fixedBins());
        if (figure == Figure.LABEL) { // every label of either side, sorted
            bins.addAll(new java.util.TreeSet<>(reference.keySet()));
            bins.addAll(new java.util.TreeSet<>(served.keySet()));
        }
        return List.copyOf(bins);
    }

    private static List<Bin> binsOf(List<String> bins, Map<String, Long> served, Map<String, Long> reference) {
        long servedTotal = served.values().stream().mapToLong(Long::longValue).sum();
        long referenceTotal = reference == null ? 0 : reference.values().stream().mapToLong(Long::longValue).sum();
        List<Bin> out = new ArrayList<>(bins.size());
        for (String bin : bins) {
            long count = served.getOrDefault(bin, 0L);
            Long expected = reference == null ? null : reference.getOrDefault(bin, 0L);
            out.add(new Bin(bin, count, share(count, servedTotal), expected,
                    expected == null ? null : share(expected, referenceTotal)));
        }
        return out;
    }

    private static Latency latency(Map<String, Long> counts) {
        List<String> bins = Figure.LATENCY.fixedBins();
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        List<Bin> out = new ArrayList<>();
        for (String bin : bins) {
            long count = counts.getOrDefault(bin, 0L);
            if (count > 0) {
                out.add(new Bin(bin, count, share(count, total), null, null));
            }
        }
        return new Latency(percentile(counts, total, 0.50), percentile(counts, total, 0.95),
                percentile(counts, total, 0.99), out);
    }

    /** The upper edge of the bin the percentile falls in; the last bin has none (its lower edge, as a floor). */
    static Double percentile(Map<String, Long> counts, long total, double p) {
        if (total == 0) {
            return null;
        }
        List<String> bins = Figure.LATENCY.fixedBins();
        long seen = 0;
        for (int i = 0; i < bins.size(); i++) {
            seen += counts.getOrDefault(bins.get(i), 0L);
            if (seen >= Math.ceil(p * total)) {
                return Figure.LATENCY_EDGES[Math.min(i, Figure.LATENCY_EDGES.length - 1)];
            }
        }
        return Figure.LATENCY_EDGES[Figure.LATENCY_EDGES.length - 1];
    }

    private static double share(long count, long total) {
        return total == 0 ? 0 : (double) count / total;
    }
}
