package dev.attune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import dev.attune.checkpoint.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupt safetensors files are errors naming the problem, never crashes. */
class SafetensorsTest {

    @TempDir
    Path dir;

    @Test
    void writtenTensorsReadBackExactly() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Safetensors.writeF32(file, Map.of("b.weight", new Tensor("F32", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6}),
                "a.bias", new Tensor("F32", new long[] {1}, new float[] {0.5f})));

        Map<String, Tensor> read = Safetensors.read(file);

        assertThat(read.keySet()).containsExactly("a.bias", "b.weight");
        assertThat(read.get("b.weight").shape()).containsExactly(2, 3);
        assertThat(read.get("b.weight").data()).containsExactly(1, 2, 3, 4, 5, -6);
        assertThat((8 + ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()) % 8)
                .as("data section is 8-byte aligned").isZero();
    }

    @Test
    void halfPrecisionValuesAreUpcastExactly() throws IOException {
        // 1.0, -2.0, 0.5, 65504 (largest half), smallest subnormal 2^-24
        short[] halves = {0x3C00, (short) 0xC000, 0x3800, 0x7BFF, 0x0001};
        ByteBuffer data = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        for (short h : halves) {
            data.putShort(h);
        }
        Path file = file("{\"x\":{\"dtype\":\"F16\",\"shape\":[5],\"data_offsets\":[0,10]}}", data.array());
        assertThat(Safetensors.read(file).get("x").data()).containsExactly(1f, -2f, 0.5f, 65504f, (float) Math.pow(2, -24));
    }

    @Test
    void bfloat16IsTheHighHalfOfAFloat() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) (Float.floatToIntBits(1.5f) >>> 16)).putShort((short) (Float.floatToIntBits(-3f) >>> 16));
        Path file = file("{\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", data.array());
        assertThat(Safetensors.read(file).get("x").data()).containsExactly(1.5f, -3f);
    }

    @Test
    void fileShorterThanTheHeaderLengthIsTruncated() throws IOException {
        Path file = dir.resolve("short.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Safetensors.read(file)).isInstanceOf(CheckpointException.class).hasMessageContaining("truncated");
    }

    @Test
    void headerLengthLargerThanTheFileIsRefused() throws IOException {
        Path file = dir.resolve("lying.safetensors");
        Files.write(file, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertThatThrownBy(() -> Safetensors.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("header length");
    }

    @Test
    void headerThatIsNotJsonIsRefused() throws IOException {
        Path file = file("{\"x\": [oops", new byte[0]);
        assertThatThrownBy(() -> Safetensors.read(file)).isInstanceOf(CheckpointException.class).hasMessageContaining("JSON");
    }

    @Test
    void offsetsBeyondTheDataAreRefusedNamingTheTensor() throws IOException {
        Path file = file("{\"enc.weight\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);
        assertThatThrownBy(() -> Safetensors.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("enc.weight").hasMessageContaining("truncated file or lying header");
    }

    @Test
    void shapeThatDisagreesWithOffsetsIsRefused() throws IOException {
        Path file = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
        assertThatThrownBy(() -> Safetensors.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'w'").hasMessageContaining("span 8 bytes");
    }

    @Test
    void absurdShapeIsRefused() throws IOException {
        Path file = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[9223372036854775807,4],\"data_offsets\":[0,8]}}", new byte[8]);
        assertThatThrownBy(() -> Safetensors.read(file)).isInstanceOf(CheckpointException.class).hasMessageContaining("absurd");
    }

    @Test
    void unknownDtypeIsRefusedListingTheSupportedOnes() throws IOException {
        Path file = file("{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]);
        assertThatThrownBy(() -> Safetensors.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'I64'").hasMessageContaining("F32, F16, BF16");
    }

    @Test
    void truncatedRealCheckpointIsRefused() throws IOException {
        byte[] real = Files.readAllBytes(dev.attune.support.Golden.dir("tiny-bert").resolve("model.safetensors"));
        Path file = dir.resolve("cut.safetensors");
        Files.write(file, Arrays.copyOf(real, real.length - 1000));
        assertThatThrownBy(() -> Safetensors.read(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("truncated");
    }

    private Path file(String header, byte[] data) throws IOException {
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + headerBytes.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(headerBytes.length).put(headerBytes).put(data);
        Path file = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(file, buffer.array());
        return file;
    }
}
