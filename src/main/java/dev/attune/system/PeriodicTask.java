package dev.attune.system;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.context.SmartLifecycle;

/**
 * A node's background pass, every {@code interval} on a daemon thread of its own, from the application's start to
 * its stop: the reconcilers of sweeps and audits, the clean-ups of batch predictions and the request log.
 * {@link #runOnce} must catch what it can recover from: an exception it lets out ends the schedule.
 */
public abstract class PeriodicTask implements SmartLifecycle {

    private final String threadName;
    private final Duration interval;
    private final Duration firstDelay;
    private ScheduledExecutorService timer;

    /** The first pass one interval after the start. */
    protected PeriodicTask(String threadName, Duration interval) {
        this(threadName, interval, interval);
    }

    protected PeriodicTask(String threadName, Duration interval, Duration firstDelay) {
        this.threadName = threadName;
        this.interval = interval;
        this.firstDelay = firstDelay;
    }

    /** {@code interval}, or 100 ms when shorter: a zero interval in a test's settings must not spin. */
    protected static Duration atLeast100Millis(Duration interval) {
        return interval.toMillis() < 100 ? Duration.ofMillis(100) : interval;
    }

    /** One pass. */
    protected abstract void runOnce();

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::runOnce, firstDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
