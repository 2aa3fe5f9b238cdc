package dev.attune.support;

import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;

/** Waiting for a job, through the public API, as a client would. */
public final class JobPolling {

    private JobPolling() {
    }

    public static JsonNode awaitStatus(Http http, String id, String status) {
        return awaitJob(http, id, job -> job.get("status").stringValue().equals(status), "become " + status);
    }

    /**
     * Waits while the job moves: it fails only after {@value #STALL_MILLIS} ms in which neither its status nor its
     * progress changed (a loaded CI machine is slow, not stuck), or after {@value #CAP_MILLIS} ms in all, saying the
     * state it saw last and for how long it saw no change.
     */
    public static JsonNode awaitJob(Http http, String id, Predicate<JsonNode> condition, String what) {
        long start = System.currentTimeMillis();
        long lastChange = start;
        String lastState = null;
        JsonNode job = null;
        while (System.currentTimeMillis() - lastChange < STALL_MILLIS && System.currentTimeMillis() - start < CAP_MILLIS) {
            job = http.get("/api/v1/jobs/" + id).json();
            if (condition.test(job)) {
                return job;
            }
            String state = job.path("status").asString("") + " " + job.path("progress");
            if (!state.equals(lastState)) {
                lastState = state;
                lastChange = System.currentTimeMillis();
            }
            sleep(50);
        }
        throw new AssertionError("job " + id + " did not " + what + " in " + (System.currentTimeMillis() - start) / 1000
                + " s (unchanged for the last " + (System.currentTimeMillis() - lastChange) / 1000 + " s): " + job);
    }

    private static final long STALL_MILLIS = 180_000;
    private static final long CAP_MILLIS = 900_000;

    /** Until the job has ended (succeeded, failed, cancelled or stopped), following its progress as above. */
    public static JsonNode awaitEnd(Http http, String id) {
        return awaitJob(http, id, job -> job.path("status").asString("").matches("SUCCEEDED|FAILED|CANCELLED|STOPPED"),
                "end");
    }

    /** At least this many evaluations recorded (the resume point of all but the last is then surely on disk). */
    public static void awaitMetrics(Http http, String id, int count) {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && http.get("/api/v1/jobs/" + id + "/metrics").json().size() < count) {
            sleep(50);
        }
    }

    public static String awaitLog(Http http, String id, String text) {
        long deadline = System.currentTimeMillis() + 120_000;
        String log = "";
        while (System.currentTimeMillis() < deadline) {
            log = String.valueOf(http.get("/api/v1/jobs/" + id + "/log").body());
            if (log.contains(text)) {
                return log;
            }
            sleep(50);
        }
        throw new AssertionError("job log never said '" + text + "': " + log);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
