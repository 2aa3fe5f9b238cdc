package dev.attune.modeling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What this machine's CPU can do, as Linux reports it in /proc/cpuinfo (elsewhere: nothing special is
 * assumed). Read once.
 */
final class CpuFeatures {

    /** Instruction sets with native bfloat16 products (oneDNN uses them for libtorch's bf16 matmuls). */
    private static final Set<String> BF16 = Set.of("avx512_bf16", "amx_bf16");

    private static final boolean FAST_BF16 = readFlags(Path.of("/proc/cpuinfo"));

    private CpuFeatures() {
    }

    /** Whether bfloat16 matrix products run natively here (AVX-512 BF16 or AMX), so bf16 beats fp32. */
    static boolean fastBf16() {
        return FAST_BF16;
    }

    static boolean readFlags(Path cpuinfo) {
        try {
            return Files.readAllLines(cpuinfo).stream().filter(line -> line.startsWith("flags"))
                    .flatMap(line -> Pattern.compile("\\s+").splitAsStream(line.substring(line.indexOf(':') + 1)))
                    .anyMatch(BF16::contains);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
