package dev.attune.monitoring;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a model served on the rows it was validated on at training, in the monitoring figures' bins: what its
 * traffic is compared with. Stored with the model ({@link References#FILE} in its directory).
 *
 * @param source which rows it was measured on
 * @param rows how many texts
 * @param maxLength the tokens per text (per window) it read them with
 * @param counts per figure id, each bin's count
 */
record Reference(String source, int rows, int maxLength, Map<String, Map<String, Long>> counts) {

    static Reference of(String source, int maxLength, Counts counts) {
        Map<String, Map<String, Long>> byId = new LinkedHashMap<>();
        counts.all().forEach((figure, bins) -> {
            if (figure != Figure.LATENCY && figure != Figure.TRAFFIC) {
                byId.put(figure.id, new LinkedHashMap<>(bins));
            }
        });
        return new Reference(source, (int) counts.texts(), maxLength, byId);
    }

    /** A figure's bins; labels cut as traffic's are ({@link BucketCounts#bin}), for a reference stored uncut. */
    Map<String, Long> of(Figure figure) {
        Map<String, Long> bins = counts.getOrDefault(figure.id, Map.of());
        if (figure != Figure.LABEL || bins.keySet().stream().allMatch(bin -> bin.length() <= BucketCounts.MAX_BIN)) {
            return bins;
        }
        Map<String, Long> cut = new LinkedHashMap<>();
        bins.forEach((bin, count) -> cut.merge(BucketCounts.bin(bin), count, Long::sum));
        return cut;
    }
}
