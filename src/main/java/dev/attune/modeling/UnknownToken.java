package dev.attune.modeling;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.attune.checkpoint.CheckpointDir;
import tools.jackson.databind.JsonNode;

/**
 * The id of a tokenizer's unknown token, read from tokenizer.json's model: WordPiece and BPE name it
 * ({@code unk_token}, looked up in {@code vocab}), Unigram gives its index ({@code unk_id}). Byte-level BPE
 * (RoBERTa) has none: every text is some bytes, and none is unknown.
 */
final class UnknownToken {

    /** No unknown token: no id matches it. */
    static final long NONE = -1;

    private UnknownToken() {
    }

    /** The id, or {@link #NONE} when the tokenizer has none or its file cannot say (a larger file than read). */
    static long idOf(CheckpointDir checkpoint) {
        Path file = checkpoint.path().resolve(CheckpointDir.TOKENIZER);
        try {
            if (!Files.isRegularFile(file)) {
                return NONE;
            }
            JsonNode model = CheckpointDir.readJson(file).path("model");
            if (model.path("unk_id").isNumber()) {
                return model.get("unk_id").asLong();
            }
            JsonNode name = model.path("unk_token");
            if (!name.isString()) {
                return NONE;
            }
            JsonNode id = model.path("vocab").path(name.asString());
            return id.isNumber() ? id.asLong() : NONE;
        } catch (RuntimeException e) { // a tokenizer.json over the JSON limit still tokenizes: no unknown count then
            return NONE;
        }
    }
}
