package dev.attune.monitoring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.attune.serving.ServedRequest;
import dev.attune.serving.ServedRequestObserver;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Counts what this node serves, per deployment, model and minute, on the request's thread: only increments (see
 * {@link BucketCounts}); the {@link MonitoringFlush} drains them into the database off the request's thread. Each
 * deployment and model keeps two minutes' counters, this minute's and the last (by the minute's parity): the flush,
 * every few seconds, drains both, so a request is counted in the minute it was answered in.
 */
@Component
@ConditionalOnProperty(name = "attune.monitoring.enabled", havingValue = "true", matchIfMissing = true)
class TrafficCounters implements ServedRequestObserver {

    /** The deployment column of requests that named a model (or went to the best model without a deployment). */
    static final String NO_DEPLOYMENT = "";

    /** Deployment, then model, then the two minutes' counters: nested maps, so a request allocates no key. */
    private final Map<String, Map<String, BucketCounts[]>> counters = new ConcurrentHashMap<>();

    @Override
    public void served(ServedRequest request) {
        long minute = request.at().getEpochSecond() / 60;
        String deployment = request.deployment() == null ? NO_DEPLOYMENT : request.deployment();
        BucketCounts bucket = counters.computeIfAbsent(deployment, d -> new ConcurrentHashMap<>())
                .computeIfAbsent(request.modelId(), m -> new BucketCounts[] {new BucketCounts(), new BucketCounts()})
                [(int) (minute & 1)];
        bucket.addRequest(request.nanos());
        for (ServedRequest.ServedText text : request.texts()) {
            bucket.addText(text.prediction(), text.tokens(), text.unknownTokens(), request.maxLength());
        }
    }

    /**
     * Every count since the last drain, as rows for the database: the current minute's and the one before.
     *
     * @param now the flush's time: its minute and the one before are drained
     */
    List<CountRow> drain(Instant now) {
        long minute = now.getEpochSecond() / 60;
        List<CountRow> rows = new ArrayList<>();
        counters.forEach((deployment, models) -> models.forEach((model, buckets) -> {
            for (long m : new long[] {minute - 1, minute}) {
                Counts counts = new Counts();
                buckets[(int) (m & 1)].drainInto(counts);
                Instant start = Instant.ofEpochSecond(m * 60);
                counts.all().forEach((figure, bins) -> bins.forEach((bin, count) ->
                        rows.add(new CountRow(deployment, model, start, figure.id, bin, count))));
            }
        }));
        return rows;
    }

    /**
     * One bin's count for a deployment, model and minute.
     *
     * @param deployment the deployment's name; {@link #NO_DEPLOYMENT} for requests that named a model
     */
    record CountRow(String deployment, String modelId, Instant bucketStart, String figure, String bin, long count) {
    }
}
