package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** sentence-transformers' pooling against sums by hand, and its files read and written as sentence-transformers does. */
class SentencePoolingTest {

    // two texts of three tokens, H = 2; the first has a padding token last, whose large values must not count
    private static final float[] HIDDEN = {1, 2, 3, 4, 100, -100, /* text 2 */ -1, 0, 2, 6, 5, -3};
    private static final long[] MASK = {1, 1, 0, 1, 1, 1};

    @Test
    void meanPoolingAveragesTheRealTokensOnly() {
        // text 1: ((1 + 3) / 2, (2 + 4) / 2) = (2, 3); text 2: ((−1 + 2 + 5) / 3, (0 + 6 − 3) / 3) = (2, 1)
        assertThat(pool(SentencePooling.MEAN)).containsExactly(new float[] {2, 3, 2, 1}, within(1e-6f));
    }

    @Test
    void clsAndMaxPoolingAndNormalisation() {
        assertThat(pool(new SentencePooling(SentencePooling.Mode.CLS, false))).containsExactly(1, 2, -1, 0);
        // max over real tokens: text 1 (3, 4) (padding's 100 ignored), text 2 (5, 6)
        assertThat(pool(new SentencePooling(SentencePooling.Mode.MAX, false))).containsExactly(3, 4, 5, 6);
        // mean (2, 3) / √13 and (2, 1) / √5
        assertThat(pool(new SentencePooling(SentencePooling.Mode.MEAN, true))).containsExactly(new float[] {
                (float) (2 / Math.sqrt(13)), (float) (3 / Math.sqrt(13)), (float) (2 / Math.sqrt(5)),
                (float) (1 / Math.sqrt(5))}, within(1e-6f));
    }

    @Test
    void theCheckpointsOwnPoolingIsReadAndWrittenAsSentenceTransformersFiles(@TempDir Path dir) throws Exception {
        ObjectNode plain = JsonMapper.builder().build().createObjectNode();
        assertThat(SentencePooling.ofCheckpoint(dir, plain)).as("no modules.json: mean").isEqualTo(SentencePooling.MEAN);
        SentencePooling cls = new SentencePooling(SentencePooling.Mode.CLS, true);
        cls.writeModules(dir, 32);
        assertThat(Files.readString(dir.resolve("1_Pooling/config.json"))).contains("\"pooling_mode_cls_token\" : true",
                "\"word_embedding_dimension\" : 32");
        assertThat(Files.readString(dir.resolve("modules.json"))).contains("sentence_transformers.models.Normalize");
        assertThat(SentencePooling.ofCheckpoint(dir, plain)).isEqualTo(cls);
        ObjectNode marked = plain.deepCopy();
        new SentencePooling(SentencePooling.Mode.MAX, false).writeTo(marked);
        assertThat(SentencePooling.ofConfig(marked)).isEqualTo(new SentencePooling(SentencePooling.Mode.MAX, false));
        assertThat(SentencePooling.ofConfig(plain)).isNull();
    }

    @Test
    void miniLmSaysMeanPoolingThenNormalize() {
        Path miniLm = Path.of("../shared/models/all-MiniLM-L6-v2");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(miniLm), "../shared is absent");
        assertThat(SentencePooling.ofCheckpoint(miniLm, JsonMapper.builder().build().createObjectNode()))
                .isEqualTo(new SentencePooling(SentencePooling.Mode.MEAN, true));
    }

    private static float[] pool(SentencePooling pooling) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray hidden = manager.create(HIDDEN, new Shape(2, 3, 2));
            NDArray mask = manager.create(MASK, new Shape(2, 3));
            return pooling.apply(hidden, mask).toFloatArray();
        }
    }
}
