package dev.attune.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;

import dev.attune.model.AdapterInfo;
import org.junit.jupiter.api.Test;

/** Which graph weights an adapter's ONNX Runtime session keeps of its own: its adapted layers and saved modules. */
class AdapterOwnWeightsTest {

    @Test
    void adaptedLayersAndSavedModulesAreTheAdaptersOwn() {
        Predicate<String> own = PredictorFactory.ownWeights(new AdapterInfo(8, 16, 0.1, List.of("query", "value"),
                List.of("classifier", "pooler"), "base", "base-id", 1024));
        assertThat(own).accepts("bert.encoder.layer.0.attention.self.query.weight_t_int8",
                "bert.encoder.layer.5.attention.self.value.weight_scale", "bert.encoder.layer.3.attention.self.query.bias",
                "bert.pooler.dense.weight_t", "classifier.weight", "classifier.bias");
        assertThat(own).rejects("bert.encoder.layer.0.attention.self.key.weight_t_int8",
                "bert.embeddings.word_embeddings.weight", "bert.encoder.layer.0.attention.output.dense.weight_t",
                "bert.encoder.layer.0.output.LayerNorm.weight", "queryless.weight");
    }
}
