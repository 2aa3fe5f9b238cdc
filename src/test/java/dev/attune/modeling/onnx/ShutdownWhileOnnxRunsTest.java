package dev.attune.modeling.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Device;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.attune.modeling.ClassifierModel;
import dev.attune.support.Golden;

/**
 * A JVM that exits while ONNX Runtime opens sessions and answers on other threads (what a SIGTERM does to a serving
 * node loading a model) exits cleanly. ONNX Runtime's own shutdown hook used to release its native environment under
 * those threads: a SIGSEGV inside libonnxruntime, an hs_err file, and Spring's shutdown cut short (SweepRecoveryTest's
 * service processes crashed so in 2 of 5 runs). {@link OrtEnvironments} holds the environment past that hook.
 */
class ShutdownWhileOnnxRunsTest {

    private static final int EXITS = 4;

    @Test
    void exitingWhileSessionsOpenAndAnswerEndsWithoutACrash(@TempDir Path dir) throws Exception {
        List<String> outcomes = new ArrayList<>();
        OrtEnvironments.get();
        assertThat(OrtEnvironments.held()).as("the extra reference was taken (ONNX Runtime's internals as expected)")
                .isTrue();
        for (int i = 0; i < EXITS; i++) {
            Path log = dir.resolve("child-" + i + ".log");
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                    LoadingWhileExiting.class.getName(), Golden.dir("tiny-bert").toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child " + i + " ended").isTrue();
            } finally {
                child.destroyForcibly();
            }
            assertThat(Files.readString(log)).as("child " + i + " opened sessions before it exited")
                    .contains("sessions opened:");
            outcomes.add("exit " + child.exitValue());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("JVM crash reports")
                    .noneMatch(name -> name.startsWith("hs_err"));
        }
        assertThat(outcomes).as("every child exited as asked, none killed by a signal").containsOnly("exit 3");
    }

    /** The child: threads open and use ONNX sessions in a loop; the main thread exits the JVM under them. */
    public static final class LoadingWhileExiting {

        public static void main(String[] args) throws Exception {
            Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
                e.printStackTrace();
                System.exit(2); // a loader that failed: the parent sees 2, not a hang
            });
            byte[] graph;
            try (ClassifierModel model = ClassifierModel.load(Path.of(args[0]), Device.cpu())) {
                graph = OnnxExport.export(model.config(), model.tensors(), OnnxExport.Weights.FP32);
            }
            int[] opened = new int[1];
            for (int t = 0; t < 2; t++) { // each loop is ONNX Runtime only: session creation, the most of its time
                Thread loader = new Thread(() -> {
                    while (true) {
                        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                                OrtSession session = OrtEnvironments.get().createSession(graph, options)) {
                            synchronized (opened) {
                                opened[0] += session.getNumInputs() > 0 ? 1 : 0;
                            }
                        } catch (OrtException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }, "loader-" + t);
                loader.setDaemon(true);
                loader.start();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                synchronized (opened) {
                    if (opened[0] >= 2) {
                        break;
                    }
                }
                if (System.nanoTime() > deadline) {
                    System.exit(4);
                }
                Thread.sleep(20);
            }
            System.out.println("sessions opened: " + opened[0]);
            System.exit(3); // shutdown hooks run while both loaders are inside ONNX Runtime
        }
    }
}
