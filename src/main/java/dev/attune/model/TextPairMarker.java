package dev.attune.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.attune.modeling.ModelConfig;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Whether a checkpoint classifies sentence pairs, kept in its config.json as {@value #KEY} (transformers ignores
 * unknown keys): a downloaded pair model imports back as one without being told.
 */
final class TextPairMarker {

    static final String KEY = "attune_text_pair";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TextPairMarker() {
    }

    /** Marks (or unmarks: a single-text model fine-tuned from a pair model) the checkpoint's config.json. */
    static void write(Path checkpoint, boolean textPair) throws IOException {
        Path file = checkpoint.resolve("config.json");
        ObjectNode config = (ObjectNode) JSON.readTree(Files.readString(file));
        if (textPair == config.path(KEY).asBoolean(false)) {
            return;
        }
        if (textPair) {
            config.put(KEY, true);
        } else {
            config.remove(KEY);
        }
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
    }

    static boolean read(ModelConfig config) {
        return config.raw().path(KEY).asBoolean(false);
    }
}
