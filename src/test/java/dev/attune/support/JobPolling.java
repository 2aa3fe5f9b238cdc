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

    public static JsonNode awaitJob(Http http, String id, Predicate<JsonNode> condition, String what) {
        long deadline = System.currentTimeMillis() + 180_000;
        JsonNode job = null;
        while (System.currentTimeMillis() < deadline) {
            job = http.get("/api/v1/jobs/" + id).json();
            if (condition.test(job)) {
                return job;
            }
            sleep(50);
        }
        throw new AssertionError("job " + id + " did not " + what + ": " + job);
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
