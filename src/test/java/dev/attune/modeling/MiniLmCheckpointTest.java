package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import ai.djl.Device;
import dev.attune.support.SharedDir;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2 from ../shared loads fast and runs (skipped when ../shared is absent). */
class MiniLmCheckpointTest {

    @Test
    void realMiniLmLoadsUnderTwoSecondsAndClassifies() {
        Path dir = SharedDir.require("models/all-MiniLM-L6-v2").toAbsolutePath();
        ClassifierModel.load(dir, Device.cpu()).close(); // warm the engine and tokenizer natives

        long start = System.nanoTime();
        try (ClassifierModel model = ClassifierModel.load(dir, Device.cpu())) {
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(seconds).as("load time in seconds").isLessThan(2.0);
            assertThat(model.config().hiddenSize()).isEqualTo(384);
            assertThat(model.loadReport().loaded()).isEqualTo(101); // every encoder tensor
            assertThat(model.loadReport().skipped()).isEmpty();
            // saved as a BertModel without pooler: transformers initialises pooler and classifier, so do we
            assertThat(model.loadReport().initialised()).containsExactlyInAnyOrder("bert.pooler.dense.weight",
                    "bert.pooler.dense.bias", "classifier.weight", "classifier.bias");
            assertThat(model.textEncoder().defaultMaxLength()).isEqualTo(512);

            float[][] probabilities = model.outputs(List.of("a gorgeous, witty movie", "dull and lifeless"), 128);
            assertThat(probabilities).hasDimensions(2, 2);
            assertThat(probabilities[0][0] + probabilities[0][1]).isCloseTo(1f, org.assertj.core.api.Assertions.within(1e-5f));
        }
    }
}
