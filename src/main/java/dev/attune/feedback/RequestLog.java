package dev.attune.feedback;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.attune.serving.Prediction;
import dev.attune.serving.ServedRequest;
import dev.attune.serving.ServedRequestObserver;
import dev.attune.system.AttuneProperties;
import dev.attune.system.DataDiskGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The sampled log of served requests (attune.feedback.request-log): a share {@code rate} of answered requests, one
 * row per text, so that feedback can name an answer by its requestId. /predict never waits for it: the request's
 * thread only draws the sample and offers the rows to a bounded queue (a full queue drops them, counted in
 * attune.feedback.request-log.dropped); one thread of this node writes them in batches. A request's rows travel
 * together and are written in one transaction: a reader never sees some texts of a request and not the others.
 */
@Component
class RequestLog implements ServedRequestObserver, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RequestLog.class);

    /** The request_id column's width: a longer X-Request-Id is not logged (feedback could not name it). */
    static final int MAX_REQUEST_ID = 255;

    private final RequestLogRepository repository;
    private final DataDiskGuard disk;
    private final double rate;
    private final boolean storeTexts;
    private final int batchSize;
    private final int queueCapacity;
    /** Whole requests, each its rows; queuedRows counts their rows against queueCapacity. */
    private final BlockingQueue<List<LoggedRequest>> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedRows = new AtomicInteger();
    private final Counter logged;
    private final MeterRegistry registry;
    private final Thread writer;
    private volatile boolean running = true;

    RequestLog(RequestLogRepository repository, DataDiskGuard disk, AttuneProperties properties, MeterRegistry registry) {
        AttuneProperties.RequestLog settings = properties.feedback().requestLog();
        this.repository = repository;
        this.disk = disk;
        this.rate = settings.rate();
        this.storeTexts = settings.storeTexts();
        this.batchSize = settings.batchSize();
        this.queueCapacity = settings.queueCapacity();
        this.registry = registry;
        this.logged = Counter.builder("attune.feedback.request-log.logged").description("texts written to the request log")
                .register(registry);
        this.writer = new Thread(this::write, "attune-request-log");
        writer.setDaemon(true);
        if (rate > 0) {
            writer.start();
            log.info("Request log on: {}% of predict requests{}, kept {}", rate * 100,
                    storeTexts ? " with their texts" : " (texts not stored)", settings.retention());
        }
    }

    @Override
    public void served(ServedRequest request) {
        if (rate <= 0 || (rate < 1 && ThreadLocalRandom.current().nextDouble() >= rate)) {
            return;
        }
        if (request.requestId().length() > MAX_REQUEST_ID) {
            dropped("request_id_too_long", request.texts().size());
            return;
        }
        List<ServedRequest.ServedText> texts = request.texts();
        if (queuedRows.addAndGet(texts.size()) > queueCapacity) {
            queuedRows.addAndGet(-texts.size());
            dropped("queue_full", texts.size()); // the whole request, rather than some of its texts
            return;
        }
        List<LoggedRequest> rows = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            ServedRequest.ServedText served = texts.get(i);
            rows.add(new LoggedRequest(request.requestId(), i, request.deployment(), request.modelId(),
                    predicted(served.prediction()), served.prediction().score(), storeTexts ? served.text() : null,
                    storeTexts ? served.textPair() : null, request.at()));
        }
        queue.add(rows);
    }

    /** The labels an answer gave: its label, or a multi-label answer's labels; null for a regression value. */
    static List<String> predicted(Prediction prediction) {
        if (prediction.labels() != null) {
            return prediction.labels();
        }
        return prediction.label() == null ? null : List.of(prediction.label());
    }

    private void write() {
        List<LoggedRequest> batch = new ArrayList<>(batchSize);
        while (running || !queue.isEmpty()) {
            try {
                List<LoggedRequest> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.addAll(first);
                List<LoggedRequest> next;
                while (batch.size() < batchSize && (next = queue.poll()) != null) {
                    batch.addAll(next); // whole requests: a batch may pass batchSize by one request's texts
                }
                writeBatch(batch);
            } catch (InterruptedException e) {
                running = false;
            } finally {
                queuedRows.addAndGet(-batch.size());
                batch.clear();
            }
        }
    }

    private void writeBatch(List<LoggedRequest> batch) {
        if (disk.full()) {
            dropped("disk_full", batch.size()); // no database writes while the data disk is full (DataDiskGuard)
            return;
        }
        try {
            int duplicates = repository.insert(batch);
            logged.increment(batch.size() - duplicates);
            if (duplicates > 0) {
                dropped("request_id_repeated", duplicates);
            }
        } catch (RuntimeException e) {
            dropped("write_failed", batch.size());
            log.warn("Request log: {} rows not written: {}", batch.size(), e.toString());
        }
    }

    private void dropped(String reason, int rows) {
        Counter.builder("attune.feedback.request-log.dropped").description("sampled texts the request log did not keep")
                .tag("reason", reason).register(registry).increment(rows);
    }

    /** Writes what is queued, then stops (at shutdown). */
    @Override
    public void destroy() throws InterruptedException {
        running = false;
        if (writer.isAlive()) {
            writer.join(5_000);
        }
    }
}
