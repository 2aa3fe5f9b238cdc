package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bf16 is chosen by auto only where the CPU multiplies bfloat16 natively. */
class CpuFeaturesTest {

    @TempDir
    Path dir;

    @Test
    void avx512Bf16OrAmxInTheFlagsMeanFastBf16() throws IOException {
        assertThat(CpuFeatures.readFlags(cpuinfo("fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni"))).isTrue();
        assertThat(CpuFeatures.readFlags(cpuinfo("fpu avx2 amx_bf16 amx_tile"))).isTrue();
        assertThat(CpuFeatures.readFlags(cpuinfo("fpu sse2 avx2 avx512f avx512_vnni"))).isFalse();
        assertThat(CpuFeatures.readFlags(dir.resolve("absent"))).as("no /proc/cpuinfo: nothing assumed").isFalse();
    }

    private Path cpuinfo(String flags) throws IOException {
        return Files.writeString(dir.resolve("cpuinfo-" + flags.hashCode()),
                "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: " + flags + "\nbugs\t\t: spectre_v1\n");
    }
}
