package dev.attune.job;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events per job: progress, evaluation, log and status events, pushed as they happen.
 * Sending happens on its own thread, in order: a slow or vanished client can never stall or fail
 * the training thread that publishes.
 */
@Component
class JobEvents implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(JobEvents.class);

    private final Map<String, List<SseEmitter>> emitters = new ConcurrentHashMap<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "attune-job-events");
        thread.setDaemon(true);
        return thread;
    });

    SseEmitter subscribe(String jobId) {
        SseEmitter emitter = new SseEmitter(0L);
        List<SseEmitter> list = emitters.computeIfAbsent(jobId, id -> new CopyOnWriteArrayList<>());
        list.add(emitter);
        Runnable remove = () -> list.remove(emitter);
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(error -> remove.run());
        return emitter;
    }

    void publish(String jobId, String event, Object data) {
        if (emitters.containsKey(jobId)) {
            sender.execute(() -> send(jobId, event, data));
        }
    }

    /** Sends a final status event and closes every stream of the job. */
    void finish(String jobId, Object data) {
        sender.execute(() -> {
            send(jobId, "status", data);
            List<SseEmitter> list = emitters.remove(jobId);
            if (list != null) {
                list.forEach(SseEmitter::complete);
            }
        });
    }

    private void send(String jobId, String event, Object data) {
        for (SseEmitter emitter : emitters.getOrDefault(jobId, List.of())) {
            try {
                emitter.send(SseEmitter.event().name(event).data(data));
            } catch (Exception e) {
                log.debug("SSE client of job {} gone: {}", jobId, e.toString());
                emitters.getOrDefault(jobId, List.of()).remove(emitter);
                try {
                    emitter.completeWithError(e);
                } catch (Exception ignored) {
                    // already completed
                }
            }
        }
    }

    @Override
    public void destroy() {
        sender.shutdownNow();
    }
}
