package dev.attune.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads a Server-Sent Events stream in the background and keeps its events (name and data). */
public final class SseRecorder {

    public record Event(String name, String data) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> done;

    public SseRecorder(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream")
                .timeout(Duration.ofMinutes(5)).build();
        done = HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> {
                    String[] name = {"message"};
                    StringBuilder data = new StringBuilder();
                    response.body().forEach(line -> {
                        if (line.startsWith("event:")) {
                            name[0] = line.substring(6).trim();
                        } else if (line.startsWith("data:")) {
                            data.append(line.substring(5));
                        } else if (line.isEmpty() && !data.isEmpty()) {
                            events.add(new Event(name[0], data.toString()));
                            data.setLength(0);
                            name[0] = "message";
                        }
                    });
                });
    }

    public List<Event> events() {
        return events;
    }

    /** Waits for the first event: the stream is open and subscribed. */
    public Event awaitFirstEvent(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.isEmpty()) {
            if (System.nanoTime() > deadline || done.isDone()) {
                throw new AssertionError("no event within " + timeout);
            }
            Thread.sleep(10);
        }
        return events.get(0);
    }

    /** Waits until the server closes the stream (the job finished). */
    public List<Event> awaitEnd(Duration timeout) throws Exception {
        done.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return events;
    }
}
