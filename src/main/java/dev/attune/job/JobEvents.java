package dev.attune.job;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.ObjectMapper;

/**
 * Server-Sent Events per job: progress, evaluation, log and status events, pushed as they happen.
 * Sending happens on its own thread, in order: a slow or vanished client can never stall or fail
 * the training thread that publishes. A job that runs on another node (or is queued) is followed through
 * the database and its log file instead, once a second, so any API node streams any job.
 */
@Component
class JobEvents implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(JobEvents.class);
    private static final Duration FOLLOW_INTERVAL = Duration.ofSeconds(1);

    private final JobRepository repository;
    private final JobLog jobLog;
    private final ObjectMapper mapper;
    private final Map<String, List<SseEmitter>> emitters = new ConcurrentHashMap<>();
    private final Set<String> runningHere = ConcurrentHashMap.newKeySet();
    private final Map<String, Seen> followed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "attune-job-events");
        thread.setDaemon(true);
        return thread;
    });

    JobEvents(JobRepository repository, JobLog jobLog, ObjectMapper mapper) {
        this.repository = repository;
        this.jobLog = jobLog;
        this.mapper = mapper;
        sender.scheduleWithFixedDelay(this::followOthers, FOLLOW_INTERVAL.toMillis(), FOLLOW_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** What a subscriber of a job run elsewhere has been sent: the next round sends only what is new. */
    private record Seen(JobStatus status, String progress, int evaluations, long logLength) {
    }

    /** A worker of this node runs the job: it publishes its events itself. */
    void runningHere(String jobId) {
        runningHere.add(jobId);
    }

    void notRunningHere(String jobId) {
        runningHere.remove(jobId);
    }

    SseEmitter subscribe(String jobId) {
        SseEmitter emitter = new SseEmitter(0L);
        List<SseEmitter> list = emitters.computeIfAbsent(jobId, id -> new CopyOnWriteArrayList<>());
        list.add(emitter);
        Runnable remove = () -> list.remove(emitter);
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(error -> remove.run());
        repository.findById(jobId).ifPresent(job -> followed.putIfAbsent(jobId, seen(job)));
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
            followed.remove(jobId);
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

    private Seen seen(Job job) {
        return new Seen(job.status(), job.execution().progress(), repository.evaluations(job.id()).size(),
                jobLog.length(job.id()));
    }

    /** One round of following the jobs subscribed to here that no worker of this node runs. */
    private void followOthers() {
        for (String jobId : List.copyOf(emitters.keySet())) {
            try {
                if (runningHere.contains(jobId)) {
                    continue;
                }
                Seen before = followed.get(jobId);
                Job job = repository.findById(jobId).orElse(null);
                if (before == null || job == null) {
                    continue;
                }
                String progress = job.execution().progress();
                if (progress != null && !progress.equals(before.progress())) {
                    send(jobId, "progress", mapper.readTree(progress));
                }
                List<JobRepository.EvaluationRow> evaluations = repository.evaluations(jobId);
                for (JobRepository.EvaluationRow point : evaluations.subList(Math.min(before.evaluations(),
                        evaluations.size()), evaluations.size())) {
                    send(jobId, "evaluation", new JobEvaluation(point.step(), point.epoch(), point.trainLoss(),
                            point.best(), mapper.readTree(point.metrics())));
                }
                String newLines = jobLog.readFrom(jobId, before.logLength());
                Seen now = new Seen(job.status(), progress, evaluations.size(),
                        before.logLength() + newLines.getBytes(StandardCharsets.UTF_8).length);
                for (String line : newLines.lines().toList()) {
                    int space = line.indexOf(' '); // the log file's lines start with their time
                    send(jobId, "log", space > 0 ? line.substring(space + 1) : line);
                }
                followed.put(jobId, now);
                if (now.status().isFinal()) {
                    send(jobId, "status", Map.of("status", now.status()));
                    List<SseEmitter> list = emitters.remove(jobId);
                    followed.remove(jobId);
                    if (list != null) {
                        list.forEach(SseEmitter::complete);
                    }
                } else if (now.status() != before.status()) {
                    send(jobId, "status", Map.of("status", now.status()));
                }
            } catch (RuntimeException e) {
                log.debug("Following job {}: {}", jobId, e.toString());
            }
        }
    }

    @Override
    public void destroy() {
        sender.shutdownNow();
    }
}
