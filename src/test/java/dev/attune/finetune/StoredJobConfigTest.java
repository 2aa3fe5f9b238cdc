package dev.attune.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.checkpoint.ModelReference;
import dev.attune.modeling.ProblemType;
import dev.attune.training.ClassWeights;
import dev.attune.training.Thresholds;
import dev.attune.training.TrainingOptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Job configurations stored by earlier versions keep loading, reading each missing option as those jobs ran. */
class StoredJobConfigTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void theFirstStoredFormatLoads() {
        // as the first versions stored it: options as strings, no problem type, class weights, precision...
        String stored = """
                {"datasetId":"d1","baseModel":"/srv/models/all-MiniLM-L6-v2","validationDatasetId":null,
                 "testDatasetId":null,"name":"first","priority":0,
                 "options":{"strategy":"full","lastLayers":null,"init":"pretrained","epochs":1,"learningRate":5.0E-5,
                 "batchSize":32,"maxLength":64,"warmupRatio":0.06,"weightDecay":0.01,"gradientAccumulationSteps":1,
                 "maxGradNorm":1.0,"seed":42,"scheduler":"linear","metricForBest":"accuracy",
                 "earlyStoppingPatience":null,"evalEverySteps":40,"validationSplit":0.1,"maxTrainSamples":3000}}""";
        FineTuningConfig config = json.readValue(stored, FineTuningConfig.class);
        assertThat(config.baseModel()).isEqualTo(new ModelReference.LocalPath("/srv/models/all-MiniLM-L6-v2"));
        TrainingOptions options = config.options();
        assertThat(options.problemType()).as("the only kind there was").isEqualTo(ProblemType.SINGLE_LABEL_CLASSIFICATION);
        assertThat(options.classWeights()).isEqualTo(ClassWeights.NONE);
        assertThat(options.thresholds()).isEqualTo(Thresholds.TUNED);
        assertThat(options.groupByLength()).as("as such jobs were trained").isTrue();
        assertThat(options.maxTrainSamples()).isEqualTo(3000);
        assertThat(options.evalEverySteps()).isEqualTo(40);
        assertThat(config.spec().options()).isEqualTo(options);
    }

    @Test
    void theFormatBeforeTypedReferencesLoadsAndIsWrittenBackAlike() {
        String stored = """
                {"datasetId":"d1","baseModel":"0b7c2a34-9a7e-4d7b-9a3c-5b1f2e3d4c5a","validationDatasetId":null,
                 "testDatasetId":null,"name":"second","priority":3,
                 "options":{"strategy":"head","lastLayers":null,"init":"pretrained","epochs":3,"learningRate":0.001,
                 "batchSize":32,"maxLength":null,"warmupRatio":0.06,"weightDecay":0.01,"gradientAccumulationSteps":1,
                 "maxGradNorm":1.0,"seed":42,"scheduler":"linear","metricForBest":"rmse","earlyStoppingPatience":null,
                 "evalEverySteps":null,"validationSplit":0.1,"maxTrainSamples":null,"problemType":"regression",
                 "classWeights":"none","thresholds":"tuned","attention":"eager","precision":"fp32",
                 "groupByLength":false}}""";
        FineTuningConfig config = json.readValue(stored, FineTuningConfig.class);
        assertThat(config.baseModel()).isInstanceOf(ModelReference.Registered.class);
        assertThat(config.options().problemType()).isEqualTo(ProblemType.REGRESSION);
        assertThat(config.options().groupByLength()).isFalse();
        assertThat(config.options().maxLength()).as("the tokenizer's, read when the run starts").isNull();
        String written = json.writeValueAsString(config);
        assertThat(written).contains("\"baseModel\":\"0b7c2a34-9a7e-4d7b-9a3c-5b1f2e3d4c5a\"");
        assertThat(json.readValue(written, FineTuningConfig.class)).isEqualTo(config);
    }

    @Test
    void aHubIdKeepsItsRevision() {
        ModelReference hub = ModelReference.parse("sentence-transformers/all-MiniLM-L6-v2@v1.0");
        assertThat(hub).isEqualTo(new ModelReference.HubRepo("sentence-transformers/all-MiniLM-L6-v2", "v1.0"));
        assertThat(hub.text()).isEqualTo("sentence-transformers/all-MiniLM-L6-v2@v1.0");
        assertThat(hub.shortName()).isEqualTo("all-MiniLM-L6-v2@v1.0");
    }
}
