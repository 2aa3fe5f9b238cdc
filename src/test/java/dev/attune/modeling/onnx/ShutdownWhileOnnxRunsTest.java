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
        for (int i = 0; i < EXITS; i++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                    LoadingWhileExiting.class.getName(), Golden.dir("tiny-bert").toString())
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("child-" + i + ".log").toFile())
                    .start();
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child " + i + " ended").isTrue();
            String log = Files.readString(dir.resolve("child-" + i + ".log"));
            assertThat(log).as("child " + i + " opened sessions before it exited").contains("sessions opened:");
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
            ClassifierModel model = ClassifierModel.load(Path.of(args[0]), Device.cpu());
            List<String> texts = List.of("a fine film", "dull and long");
            int[] opened = new int[1];
            for (int t = 0; t < 2; t++) {
                Thread loader = new Thread(() -> {
                    while (true) {
                        try (OnnxClassifier classifier = OnnxClassifier.of(model, OnnxExport.Weights.FP32)) {
                            classifier.outputs(texts, 16);
                            synchronized (opened) {
                                opened[0]++;
                            }
                        }
                    }
                }, "loader-" + t);
                loader.setDaemon(true);
                loader.start();
            }
            while (true) {
                synchronized (opened) {
                    if (opened[0] >= 2) {
                        break;
                    }
                }
                Thread.sleep(20);
            }
            System.out.println("sessions opened: " + opened[0]);
            System.exit(3); // shutdown hooks run while both loaders are inside ONNX Runtime
        }
    }
}
