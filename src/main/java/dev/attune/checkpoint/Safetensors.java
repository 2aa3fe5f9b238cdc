package dev.attune.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes the safetensors format (8-byte little-endian header length, JSON header, raw
 * little-endian data). Every header claim is checked against the file before anything is read, so a
 * truncated or lying file is an error naming the tensor, never a crash. F16 and BF16 are upcast to
 * F32 in Java (DJL's BF16 conversion aborts the JVM).
 */
public final class Safetensors {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    private static final Map<String, Integer> DTYPE_BYTES = Map.of("F32", 4, "F16", 2, "BF16", 2);

    private Safetensors() {
    }

    public static Map<String, Tensor> read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = header(file, channel);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, TensorHeader> entry : header.tensors().entrySet()) {
                TensorHeader th = entry.getValue();
                MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, header.dataStart() + th.begin(),
                        th.end() - th.begin());
                bytes.order(ByteOrder.LITTLE_ENDIAN);
                tensors.put(entry.getKey(), new Tensor(th.dtype(), th.shape(), toFloats(bytes, th.dtype(), th.count())));
            }
            return tensors;
        } catch (IOException e) {
            throw new CheckpointException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every tensor's shape, from the header alone (nothing else is read): cheap checks before loading. */
    public static Map<String, long[]> shapes(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            header(file, channel).tensors().forEach((name, th) -> shapes.put(name, th.shape()));
            return shapes;
        } catch (IOException e) {
            throw new CheckpointException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private record Header(long dataStart, Map<String, TensorHeader> tensors) {
    }

    /** The header, every claim checked against the file's size. */
    private static Header header(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        String name = file.getFileName().toString();
        if (size < 8) {
            throw new CheckpointException(name + " is truncated: " + size + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(lengthBytes, 0);
        long headerLength = lengthBytes.flip().getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
            throw new CheckpointException(name + " has a header length of " + headerLength
                    + " bytes, impossible for a file of " + size + " bytes (truncated or not safetensors)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        channel.read(headerBytes, 8);
        JsonNode json = parseHeader(name, new String(headerBytes.array(), StandardCharsets.UTF_8));
        long dataStart = 8 + headerLength;
        long dataLength = size - dataStart;
        Map<String, TensorHeader> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : json.properties()) {
            if (!entry.getKey().equals("__metadata__")) {
                tensors.put(entry.getKey(), TensorHeader.parse(name, entry.getKey(), entry.getValue(), dataLength));
            }
        }
        return new Header(dataStart, tensors);
    }

    private static JsonNode parseHeader(String name, String text) {
        try {
            JsonNode header = JSON.readTree(text);
            if (!header.isObject()) {
                throw new CheckpointException(name + " has a header that is not a JSON object");
            }
            return header;
        } catch (JacksonException e) {
            throw new CheckpointException(name + " has a header that is not valid JSON (truncated or not safetensors)");
        }
    }

    private record TensorHeader(String dtype, long[] shape, long count, long begin, long end) {

        static TensorHeader parse(String file, String tensor, JsonNode node, long dataLength) {
            String where = file + ": tensor '" + tensor + "'";
            String dtype = node.path("dtype").asString("");
            Integer width = DTYPE_BYTES.get(dtype);
            if (width == null) {
                throw new CheckpointException(where + " has dtype '" + dtype + "'; supported: F32, F16, BF16");
            }
            JsonNode shapeNode = node.path("shape");
            JsonNode offsets = node.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw new CheckpointException(where + " lacks a shape or its two data_offsets");
            }
            long[] shape = new long[shapeNode.size()];
            long count = 1;
            try {
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeNode.get(i).asLong(-1);
                    if (shape[i] < 0) {
                        throw new CheckpointException(where + " has a negative dimension in " + shapeNode);
                    }
                    count = Math.multiplyExact(count, shape[i]);
                }
                long bytes = Math.multiplyExact(count, (long) width);
                long begin = offsets.get(0).asLong(-1);
                long end = offsets.get(1).asLong(-1);
                if (begin < 0 || end < begin || end > dataLength) {
                    throw new CheckpointException(where + " claims bytes [" + begin + ", " + end + ") but the data section has "
                            + dataLength + " bytes (truncated file or lying header)");
                }
                if (end - begin != bytes) {
                    throw new CheckpointException(where + " has shape " + Arrays.toString(shape) + " (" + bytes
                            + " bytes of " + dtype + ") but its offsets span " + (end - begin) + " bytes");
                }
                if (count > Integer.MAX_VALUE - 8) {
                    throw new CheckpointException(where + " has " + count + " elements, more than one array can hold");
                }
                return new TensorHeader(dtype, shape, count, begin, end);
            } catch (ArithmeticException e) {
                throw new CheckpointException(where + " claims an absurd shape " + shapeNode);
            }
        }
    }

    private static float[] toFloats(ByteBuffer bytes, String dtype, long count) {
        float[] out = new float[(int) count];
        switch (dtype) {
            case "F32" -> bytes.asFloatBuffer().get(out);
            case "BF16" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((bytes.getShort() & 0xFFFF) << 16);
                }
            }
            case "F16" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = halfToFloat(bytes.getShort());
                }
            }
            default -> throw new IllegalStateException(dtype);
        }
        return out;
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float value = mantissa / 1024f / 16384f; // subnormal: mantissa * 2^-24
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** Writes float32 tensors, sorted by name, to a temporary file then moves it into place. */
    public static void writeF32(Path file, Map<String, Tensor> tensors) throws IOException {
        Map<String, Tensor> sorted = new TreeMap<>(tensors);
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (Map.Entry<String, Tensor> entry : sorted.entrySet()) {
            ObjectNode node = header.putObject(entry.getKey());
            node.put("dtype", "F32");
            var shape = node.putArray("shape");
            for (long dim : entry.getValue().shape()) {
                shape.add(dim);
            }
            long bytes = 4L * entry.getValue().data().length;
            node.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = JSON.writeValueAsBytes(header);
        int padded = (headerBytes.length + 7) / 8 * 8; // data 8-byte aligned, padded with spaces as the spec allows
        Path temp = Files.createTempFile(file.getParent(), ".tmp-", ".safetensors");
        try (OutputStream out = Files.newOutputStream(temp)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerBytes);
            out.write(" ".repeat(padded - headerBytes.length).getBytes(StandardCharsets.US_ASCII));
            for (Tensor tensor : sorted.values()) {
                ByteBuffer data = ByteBuffer.allocate(4 * tensor.data().length).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(tensor.data());
                out.write(data.array());
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
