package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.attune.batch.BatchPredictionSpec;
import dev.attune.finetune.FineTuningConfig;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A stored row's config is read as its kind's spec: kinds stored since V20, and rows stored before. */
class JobKindTest {

    private static final String FINE_TUNING = """
            {"datasetId":"d1","baseModel":"org/base","validationDatasetId":null,"testDatasetId":null,"name":"a job",
             "priority":2,"options":{"strategy":"head","epochs":1},"scoring":null}""";
    /** A batch prediction as stored when every job had a fine-tuning config with a scoring section. */
    private static final String OLD_BATCH_PREDICTION = """
            {"datasetId":"d2","baseModel":"m-1","validationDatasetId":null,"testDatasetId":null,"name":"scoring d2",
             "priority":50,"options":{"strategy":"head"},"scoring":{"modelId":"m-1","deployment":"prod"}}""";

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void eachKindReadsItsOwnSpec() {
        JobKinds kinds = kinds(handler(FineTuningConfig.KIND), handler(BatchPredictionSpec.KIND));
        FineTuningConfig config = (FineTuningConfig) kinds.read("training", FINE_TUNING);
        assertThat(config.priority()).isEqualTo(2);
        assertThat(config.inputs()).isEqualTo(new JobSpec.Inputs("d1", null, null, "org/base"));
        BatchPredictionSpec spec = (BatchPredictionSpec) kinds.read("scoring", OLD_BATCH_PREDICTION);
        assertThat(spec.scoring().modelId()).isEqualTo("m-1");
        assertThat(spec.scoring().deployment()).isEqualTo("prod");
        assertThat(spec.inputs()).isEqualTo(new JobSpec.Inputs("d2", null, null, "m-1"));
    }

    @Test
    void aRowWithoutKindOrWithTheColumnDefaultIsReadByItsConfig() {
        JobKinds kinds = kinds(handler(FineTuningConfig.KIND), handler(BatchPredictionSpec.KIND));
        assertThat(kinds.read(null, FINE_TUNING)).isInstanceOf(FineTuningConfig.class);
        assertThat(kinds.read(null, OLD_BATCH_PREDICTION)).isInstanceOf(BatchPredictionSpec.class);
        assertThat(kinds.read("training", OLD_BATCH_PREDICTION)).as("an old node's insert after V20's backfill")
                .isInstanceOf(BatchPredictionSpec.class);
    }

    @Test
    void aKindUnknownHereKeepsItsNameAndPriority() {
        JobSpec spec = kinds(handler(FineTuningConfig.KIND)).read("distillation",
                "{\"name\":\"distil\",\"priority\":7,\"teacher\":\"m-9\"}");
        assertThat(spec).isEqualTo(new StoredSpec("distil", 7));
    }

    @Test
    void specsAreStoredWithoutWhatTheQueueDerives() {
        FineTuningConfig config = (FineTuningConfig) kinds(handler(FineTuningConfig.KIND)).read("training", FINE_TUNING);
        JsonNode written = json.readTree(json.writeValueAsString(config));
        assertThat(written.propertyNames()).doesNotContain("kind", "inputs", "scoring").contains("datasetId", "options");
    }

    @Test
    void twoHandlersOfOneKindAreRefused() {
        JobKinds kinds = kinds(handler(FineTuningConfig.KIND), handler(FineTuningConfig.KIND));
        assertThatThrownBy(() -> kinds.read("training", FINE_TUNING)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two handlers for job kind training");
    }

    private JobKinds kinds(JobHandler... handlers) {
        return KindsForTests.of(json, handlers);
    }

    private static JobHandler handler(JobKind kind) {
        return KindsForTests.registration(kind);
    }
}
