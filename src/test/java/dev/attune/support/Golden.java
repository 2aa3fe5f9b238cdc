package dev.attune.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The golden checkpoints and reference outputs from Hugging Face transformers, copied from
 * ../shared/golden into src/test/resources/golden (see its README).
 */
public final class Golden {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Golden() {
    }

    public static Path dir(String model) {
        try {
            return Path.of(Golden.class.getResource("/golden/" + model + "/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(String model) {
        try {
            return JSON.readTree(Files.readString(dir(model).resolve("golden.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.stringValue()));
        return values;
    }

    /** A nested JSON number array, flattened row-major. */
    public static float[] flatFloats(JsonNode array) {
        List<Float> values = new ArrayList<>();
        flatten(array, values);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    public static long[] flatLongs(JsonNode array) {
        float[] floats = flatFloats(array);
        long[] out = new long[floats.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) floats[i];
        }
        return out;
    }

    private static void flatten(JsonNode node, List<Float> out) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, out));
        } else {
            out.add(node.floatValue());
        }
    }

    public static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
