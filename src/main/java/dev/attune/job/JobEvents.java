package dev.attune.job;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Server-Sent Events per job: progress, evaluation and status events, pushed as they happen. */
@Component
class JobEvents {

    private final Map<String, List<SseEmitter>> emitters = new ConcurrentHashMap<>();

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
        for (SseEmitter emitter : emitters.getOrDefault(jobId, List.of())) {
            try {
                emitter.send(SseEmitter.event().name(event).data(data));
            } catch (IOException | IllegalStateException e) {
                emitter.completeWithError(e);
            }
        }
    }

    /** Sends a final status event and closes every stream of the job. */
    void finish(String jobId, Object data) {
        publish(jobId, "status", data);
        List<SseEmitter> list = emitters.remove(jobId);
        if (list != null) {
            list.forEach(SseEmitter::complete);
        }
    }
}
