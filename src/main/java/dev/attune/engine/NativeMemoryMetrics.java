package dev.attune.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Memory the JVM's own meters cannot see: the NDArrays DJL holds (count and bytes, all devices) and the
 * process's native memory, read from the kernel (resident set minus what the JVM has committed).
 * Exported with the other meters, e.g. at /actuator/prometheus.
 */
@Component
class NativeMemoryMetrics {

    private static final Path STATUS = Path.of("/proc/self/status");

    NativeMemoryMetrics(MeterRegistry registry) {
        Gauge.builder("attune.ndarrays.live", NativeMemoryMetrics::liveArrayCount)
                .description("NDArrays held by DJL (models, optimizer state, batches in flight)").register(registry);
        Gauge.builder("attune.ndarrays.bytes", NativeMemoryMetrics::liveArrayBytes).baseUnit("bytes")
                .description("bytes of the NDArrays held by DJL, on every device").register(registry);
        Gauge.builder("attune.memory.native", NativeMemoryMetrics::nativeBytes).baseUnit("bytes")
                .description("resident memory outside the JVM's heap and non-heap pools (libtorch, tokenizers)")
                .register(registry);
    }

    private static List<NDArray> liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays(); // the engine's root manager: every array
        }
    }

    static double liveArrayCount() {
        try {
            return liveArrays().size();
        } catch (RuntimeException e) {
            return Double.NaN; // an array closed while counted
        }
    }

    static double liveArrayBytes() {
        try {
            return liveArrays().stream().mapToDouble(a -> (double) a.size() * a.getDataType().getNumOfBytes()).sum();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Resident set (Linux /proc) minus the JVM's committed heap and non-heap; NaN where /proc is absent. */
    static double nativeBytes() {
        try {
            long residentKb = Files.readAllLines(STATUS).stream().filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst().orElse(-1);
            if (residentKb < 0) {
                return Double.NaN;
            }
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long jvm = memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted();
            return Math.max(0, residentKb * 1024 - jvm);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
