package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import dev.attune.modeling.ProblemType;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Stored job configurations: the problem-type options are written as the API spells them and read back equal. */
class TrainingOptionsJsonTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void problemTypeClassWeightsAndThresholdsRoundTrip() {
        TrainingOptions options = TrainingOptions.builder().problemType(ProblemType.MULTI_LABEL_CLASSIFICATION)
                .classWeights(ClassWeights.explicit(Map.of("grief", 5.0))).thresholds(new Thresholds(0.4)).build();
        String written = json.writeValueAsString(options);
        assertThat(written).contains("\"problemType\":\"multi_label_classification\"", "\"classWeights\":{\"grief\":5.0}",
                "\"thresholds\":0.4", "\"metricForBest\":\"f1_macro\"");
        assertThat(json.readValue(written, TrainingOptions.class)).isEqualTo(options);

        TrainingOptions defaults = TrainingOptions.defaults();
        String plain = json.writeValueAsString(defaults);
        assertThat(plain).contains("\"classWeights\":\"none\"", "\"thresholds\":\"tuned\"");
        assertThat(json.readValue(plain, TrainingOptions.class)).isEqualTo(defaults);
    }

    @Test
    void aConfigurationStoredBeforeTheseOptionsReadsThemAsDefaults() {
        String stored = """
                {"strategy":"full","lastLayers":null,"init":"pretrained","epochs":1,"learningRate":5.0E-5,"batchSize":32,
                 "maxLength":64,"warmupRatio":0.06,"weightDecay":0.01,"gradientAccumulationSteps":1,"maxGradNorm":1.0,
                 "seed":42,"scheduler":"linear","metricForBest":"accuracy","earlyStoppingPatience":null,
                 "evalEverySteps":40,"validationSplit":0.1,"maxTrainSamples":3000}""";
        TrainingOptions options = json.readValue(stored, TrainingOptions.class);
        assertThat(options.problemType()).isNull(); // the data set decides, as it did
        assertThat(options.classWeights()).isEqualTo(ClassWeights.NONE);
        assertThat(options.thresholds()).isEqualTo(Thresholds.TUNED);
        assertThat(options.attention()).isEqualTo(dev.attune.modeling.AttentionImplementation.SDPA);
        assertThat(options.groupByLength()).as("as such jobs were trained").isTrue();
        assertThat(TrainingOptions.builder().build().groupByLength()).as("a new job: random batches").isFalse();
    }

    @Test
    void theDefaultMetricFollowsTheProblemType() {
        assertThat(TrainingOptions.builder().problemType(ProblemType.REGRESSION).build().metricForBest())
                .isEqualTo(TrainingOptions.MetricForBest.RMSE);
        assertThat(TrainingOptions.builder().build().metricForBest()).isEqualTo(TrainingOptions.MetricForBest.ACCURACY);
    }

    @Test
    void namesThatNameNothingAreRefused() {
        assertThat(ClassWeights.parse("heavy")).isEmpty();
        assertThat(ClassWeights.parse(Map.of("a", -1))).isEmpty();
        assertThat(Thresholds.parse(1.5)).isEmpty();
        assertThatThrownBy(() -> ClassWeights.fromJson("heavy")).hasMessageContaining("\"balanced\"");
    }
}
