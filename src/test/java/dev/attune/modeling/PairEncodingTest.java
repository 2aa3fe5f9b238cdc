package dev.attune.modeling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.attune.checkpoint.CheckpointDir;
import dev.attune.support.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sentence pairs are encoded as Hugging Face tokenizers encodes them for transformers' {@code tokenizer(text,
 * text_pair, truncation=True, max_length=N)}: the reference ids and type ids in golden-pairs.json come from
 * tokenizers' own Node binding (src/test/resources/pairs/make-golden.mjs), not from attune. The cases include
 * cuts on the longer side, on the shorter one, and on both (longest_first).
 */
class PairEncodingTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny-bert", "tiny-distilbert", "tiny-roberta"})
    void pairsMatchTheTokenizersOwnPairEncoding(String model) throws IOException {
        JsonNode golden = JsonMapper.builder().build()
                .readTree(Files.readString(Path.of("src/test/resources/pairs/golden-pairs.json")));
        CheckpointDir checkpoint = CheckpointDir.open(Golden.dir(model));
        ModelConfig config = ModelConfig.of(checkpoint);
        try (TextEncoder encoder = new TextEncoder(checkpoint, Architectures.maxTokens(config), config.padTokenId())) {
            for (JsonNode example : golden.get(model)) {
                int maxLength = example.get("maxLength").asInt();
                TextEncoder.Tokens tokens = encoder.tokens(List.of(example.get("text").asString()),
                        List.of(example.get("pair").asString()), maxLength).get(0);
                assertThat(tokens.ids()).as(model + " ids at " + maxLength).containsExactly(longs(example.get("ids")));
                assertThat(tokens.typeIds()).as(model + " type ids at " + maxLength)
                        .containsExactly(longs(example.get("typeIds")));
                assertThat(tokens.truncated()).as("cut at " + maxLength).isEqualTo(maxLength < 64);
            }
        }
    }

    private static long[] longs(JsonNode array) {
        return array.valueStream().mapToLong(JsonNode::asLong).toArray();
    }
}
