package dev.attune.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** attune as a real child process (the test's class path), for crash and cluster tests: kill -9 included. */
public final class ServiceProcess {

    private final Process process;
    private final Path log;
    private final int port;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts attune with these arguments (--key=value) on a free port and returns once its health answers. */
    public static ServiceProcess start(Path logDir, List<String> arguments, Map<String, String> environment) {
        ServiceProcess service = launch(logDir, freePort(), arguments, environment);
        service.awaitHealthy();
        return service;
    }

    /** As {@link #start}, on a given port, without waiting (start several, then {@link #awaitHealthy} each). */
    public static ServiceProcess launch(Path logDir, int port, List<String> arguments) {
        return launch(logDir, port, arguments, Map.of());
    }

    /** As {@link #launch(Path, int, List)}, with extra environment variables (e.g. OMP_NUM_THREADS). */
    public static ServiceProcess launch(Path logDir, int port, List<String> arguments, Map<String, String> environment) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = logDir.resolve("service-" + port + "-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), "dev.attune.AttuneApplication", "--server.port=" + port));
        command.addAll(arguments);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("OPT_OUT_TRACKING", "true");
            builder.environment().putAll(environment);
            return new ServiceProcess(builder.start(), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ServiceProcess awaitHealthy() {
        Http http = new Http(port);
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("service exited: " + output());
            }
            try {
                if (http.get("/actuator/health").status() == 200) {
                    return this;
                }
            } catch (RuntimeException notYet) {
                // connection refused while starting
            }
            sleep(200);
        }
        throw new AssertionError("service did not start: " + output());
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Http http() {
        return new Http(port);
    }

    /** SIGTERM, as Ctrl-C or an orchestrator stops a service: graceful, waits for the process to end. */
    public void stop() {
        try {
            process.destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("the service did not stop within 60 s of SIGTERM:\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: no shutdown hooks, no flush, no lease given back. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
