package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import dev.attune.modeling.AttentionImplementation;
import dev.attune.modeling.Precision;
import dev.attune.modeling.ProblemType;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Training options bind as the API spells them, resolve their defaults in one place, and round-trip as stored. */
class TrainingOptionsJsonTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void resolvedOptionsRoundTripAsStored() {
        TrainingOptions options = Options.of("problemType", "multi_label_classification",
                "classWeights", Map.of("grief", 5.0), "thresholds", 0.4);
        String written = json.writeValueAsString(options);
        assertThat(written).contains("\"problemType\":\"multi_label_classification\"", "\"classWeights\":{\"grief\":5.0}",
                "\"thresholds\":0.4", "\"metricForBest\":\"f1_macro\"", "\"strategy\":\"full\"");
        assertThat(json.readValue(written, TrainingOptions.class)).isEqualTo(options);

        TrainingOptions defaults = Options.of();
        String plain = json.writeValueAsString(defaults);
        assertThat(plain).contains("\"classWeights\":\"none\"", "\"thresholds\":\"tuned\"", "\"precision\":\"auto\"");
        assertThat(json.readValue(plain, TrainingOptions.class)).isEqualTo(defaults);
    }

    @Test
    void defaultsComeFromOnePlaceAndFollowTheStrategyAndProblemType() {
        TrainingOptions none = TrainingOptions.none();
        TrainingOptions resolved = none.withDefaults(ProblemType.SINGLE_LABEL_CLASSIFICATION, 128);
        assertThat(resolved.epochs()).isEqualTo(TrainingOptions.DEFAULTS.epochs()).isEqualTo(3);
        assertThat(resolved.learningRate()).isEqualTo(5e-5);
        assertThat(resolved.maxLength()).as("the tokenizer's").isEqualTo(128);
        assertThat(resolved.lastLayers()).isNull();
        assertThat(resolved.attention()).isEqualTo(AttentionImplementation.SDPA);
        assertThat(resolved.precision()).isEqualTo(Precision.AUTO);
        assertThat(resolved.groupByLength()).as("a new job: random batches").isFalse();
        assertThat(resolved.metricForBest()).isEqualTo(TrainingOptions.MetricForBest.ACCURACY);

        TrainingOptions head = json.readValue("{\"strategy\":\"head\"}", TrainingOptions.class)
                .withDefaults(ProblemType.REGRESSION, null);
        assertThat(head.learningRate()).isEqualTo(1e-3);
        assertThat(head.metricForBest()).isEqualTo(TrainingOptions.MetricForBest.RMSE);
        assertThat(json.readValue("{\"strategy\":\"last_layers\"}", TrainingOptions.class)
                .withDefaults(ProblemType.SINGLE_LABEL_CLASSIFICATION, null).lastLayers()).isEqualTo(2);
        assertThat(Options.of("maxLength", 64).withDefaults(ProblemType.SINGLE_LABEL_CLASSIFICATION, 512).maxLength())
                .as("resolving twice keeps what was resolved").isEqualTo(64);
    }

    @Test
    void namesThatNameNothingAreRefused() {
        assertThatThrownBy(() -> json.readValue("{\"strategy\":\"fulll\"}", TrainingOptions.class))
                .hasMessageContaining("'fulll' is not one of [full, last_layers, head, lora, setfit]");
        assertThat(ClassWeights.parse("heavy")).isEmpty();
        assertThat(ClassWeights.parse(Map.of("a", -1))).isEmpty();
        assertThat(Thresholds.parse(1.5)).isEmpty();
        assertThatThrownBy(() -> ClassWeights.fromJson("heavy")).hasMessageContaining("\"balanced\"");
    }
}
