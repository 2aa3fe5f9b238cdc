package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What precision auto picks: bf16 only where the CPU multiplies bfloat16 natively, or the GPU has it. */
class AutoPrecisionTest {

    @TempDir
    Path dir;

    @Test
    void avx512Bf16OrAmxInTheFlagsMeanFastBf16() throws IOException {
        assertThat(CpuFeatures.readFlags(cpuinfo("fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni"))).isTrue();
        assertThat(CpuFeatures.readFlags(cpuinfo("fpu avx2 amx_bf16 amx_tile"))).isTrue();
        assertThat(CpuFeatures.readFlags(cpuinfo("fpu sse2 avx2 avx512f avx512_vnni"))).isFalse();
        assertThat(CpuFeatures.readFlags(dir.resolve("absent"))).as("no /proc/cpuinfo: nothing assumed").isFalse();
    }

    @Test
    void onAGpuAutoIsBf16FromAmpereOnAndFp16Before() {
        assertThat(Precision.bf16Capable("70")).as("V100").isFalse();
        assertThat(Precision.bf16Capable("75")).as("T4").isFalse();
        assertThat(Precision.bf16Capable("80")).as("A100").isTrue();
        assertThat(Precision.bf16Capable("90")).as("H100").isTrue();
        assertThat(Precision.bf16Capable("100")).as("B200").isTrue();
        assertThat(Precision.bf16Capable(null)).as("unknown: a current GPU").isTrue();
        assertThat(Precision.AUTO.on(ai.djl.Device.cpu())).isEqualTo(CpuFeatures.fastBf16() ? Precision.BF16 : Precision.FP32);
    }

    private Path cpuinfo(String flags) throws IOException {
        return Files.writeString(dir.resolve("cpuinfo-" + flags.hashCode()),
                "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: " + flags + "\nbugs\t\t: spectre_v1\n");
    }
}
