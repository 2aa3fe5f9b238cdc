package dev.attune.modeling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.attune.checkpoint.CheckpointException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How a sentence-transformers model turns its token states into one sentence embedding: mean over the real tokens,
 * the first ([CLS]) token or the element-wise max, optionally L2-normalised. Read from a checkpoint's
 * {@code modules.json} and {@code 1_Pooling/config.json} when it has them (mean pooling otherwise), kept in a SetFit
 * model's config.json ({@value #HEAD_KEY}, {@value #POOLING_KEY}, {@value #NORMALIZE_KEY}) and written back as those
 * files, so sentence-transformers loads the saved encoder as it loads the base.
 */
public record SentencePooling(Mode mode, boolean normalize) {

    /** config.json: "setfit" marks a model whose head reads the pooled sentence embedding ({@link SetFitClassifier}). */
    public static final String HEAD_KEY = "attune_head";
    public static final String POOLING_KEY = "attune_pooling";
    public static final String NORMALIZE_KEY = "attune_normalize";
    public static final String SETFIT = "setfit";

    /** Mean pooling, not normalised: what a checkpoint without sentence-transformers' files gets. */
    public static final SentencePooling MEAN = new SentencePooling(Mode.MEAN, false);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String POOLING_DIR = "1_Pooling";

    /** sentence-transformers' pooling modes attune runs. */
    public enum Mode {
        MEAN, CLS, MAX;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The pooling a SetFit model's config.json names; null for any other model. */
    public static SentencePooling ofConfig(JsonNode config) {
        if (!SETFIT.equals(config.path(HEAD_KEY).asString(""))) {
            return null;
        }
        String mode = config.path(POOLING_KEY).asString("mean");
        try {
            return new SentencePooling(Mode.valueOf(mode.toUpperCase(Locale.ROOT)), config.path(NORMALIZE_KEY)
                    .asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("config.json " + POOLING_KEY + " '" + mode + "' is not one of mean, cls, max");
        }
    }

    /**
     * The checkpoint's own pooling: a SetFit model's config.json, else sentence-transformers' modules.json and
     * 1_Pooling/config.json (with a Normalize module: normalised), else mean pooling.
     */
    public static SentencePooling ofCheckpoint(Path dir, JsonNode config) {
        SentencePooling own = ofConfig(config);
        if (own != null) {
            return own;
        }
        Path modules = dir.resolve("modules.json");
        Path pooling = dir.resolve(POOLING_DIR).resolve("config.json");
        if (!Files.isRegularFile(modules) || !Files.isRegularFile(pooling)) {
            return MEAN;
        }
        try {
            boolean normalize = false;
            for (JsonNode module : JSON.readTree(modules.toFile())) {
                normalize |= module.path("type").asString("").endsWith(".Normalize");
            }
            JsonNode settings = JSON.readTree(pooling.toFile());
            Mode mode = settings.path("pooling_mode_cls_token").asBoolean(false) ? Mode.CLS
                    : settings.path("pooling_mode_max_tokens").asBoolean(false) ? Mode.MAX
                    : settings.path("pooling_mode_mean_tokens").asBoolean(false) ? Mode.MEAN : null;
            if (mode == null) {
                throw new CheckpointException(POOLING_DIR + "/config.json asks for a pooling attune does not run "
                        + "(supported: pooling_mode_mean_tokens, pooling_mode_cls_token, pooling_mode_max_tokens)");
            }
            return new SentencePooling(mode, normalize);
        } catch (JacksonException e) {
            throw new CheckpointException("modules.json or " + POOLING_DIR + "/config.json is not valid JSON: "
                    + e.getOriginalMessage());
        }
    }

    /** Marks a config.json as a SetFit model's, with this pooling. */
    public void writeTo(ObjectNode config) {
        config.put(HEAD_KEY, SETFIT);
        config.put(POOLING_KEY, mode.id());
        config.put(NORMALIZE_KEY, normalize);
    }

    /** sentence-transformers' modules.json and 1_Pooling/config.json for this pooling over {@code hidden} dimensions. */
    public void writeModules(Path dir, int hidden) {
        try {
            ArrayNode modules = JSON.createArrayNode();
            modules.addObject().put("idx", 0).put("name", "0").put("path", "")
                    .put("type", "sentence_transformers.models.Transformer");
            modules.addObject().put("idx", 1).put("name", "1").put("path", POOLING_DIR)
                    .put("type", "sentence_transformers.models.Pooling");
            if (normalize) {
                modules.addObject().put("idx", 2).put("name", "2").put("path", "2_Normalize")
                        .put("type", "sentence_transformers.models.Normalize");
            }
            Files.writeString(dir.resolve("modules.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(modules));
            ObjectNode pooling = JSON.createObjectNode().put("word_embedding_dimension", hidden)
                    .put("pooling_mode_cls_token", mode == Mode.CLS).put("pooling_mode_mean_tokens", mode == Mode.MEAN)
                    .put("pooling_mode_max_tokens", mode == Mode.MAX).put("pooling_mode_mean_sqrt_len_tokens", false);
            Files.createDirectories(dir.resolve(POOLING_DIR));
            Files.writeString(dir.resolve(POOLING_DIR).resolve("config.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(pooling));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The sentence embeddings (B, H) of token states (B, T, H) under an attention mask (B, T) of 0/1, as
     * sentence-transformers' Pooling (and Normalize) compute them: mean = Σ mask·h / max(Σ mask, 1e-9); max over the
     * real tokens (padding set to -1e9 first); cls = the first token.
     */
    public NDArray apply(NDArray hidden, NDArray attentionMask) {
        NDArray pooled = switch (mode) {
            case CLS -> hidden.get(":, 0, :"); // (B, H)
            case MEAN -> {
                NDArray mask = attentionMask.toType(DataType.FLOAT32, false).expandDims(2); // (B, T, 1)
                NDArray counts = mask.sum(new int[] {1}).maximum(Scalars.of(mask, 1e-9f)); // (B, 1)
                yield hidden.mul(mask).sum(new int[] {1}).div(counts); // (B, H)
            }
            case MAX -> {
                NDArray real = attentionMask.toType(DataType.FLOAT32, false).expandDims(2); // (B, T, 1)
                NDArray padding = real.sub(Scalars.of(real, 1f)).mul(Scalars.of(real, 1e9f)); // 0 or -1e9, (B, T, 1)
                yield hidden.add(padding).max(new int[] {1}); // (B, H)
            }
        };
        if (!normalize) {
            return pooled;
        }
        NDArray norms = pooled.mul(pooled).sum(new int[] {1}, true).sqrt().maximum(Scalars.of(pooled, 1e-12f)); // (B, 1)
        return pooled.div(norms); // (B, H), torch.nn.functional.normalize
    }
}
