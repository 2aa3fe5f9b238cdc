package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.attune.checkpoint.ModelReference;
import dev.attune.training.TrainingOptions;

class JobKindTest {

    private static final JobConfig TRAINING = config(null);
    private static final JobConfig SCORING = config(new BatchScoring("model-1", null, null));

    @Test
    void configWithScoringIsABatchPrediction() {
        assertThat(JobKind.of(SCORING)).isEqualTo(JobKind.SCORING);
        assertThat(JobKind.of(TRAINING)).isEqualTo(JobKind.TRAINING);
    }

    @Test
    void storedKindIsReadByItsId() {
        assertThat(JobKind.stored("scoring", SCORING)).isEqualTo(JobKind.SCORING);
        assertThat(JobKind.stored("training", TRAINING)).isEqualTo(JobKind.TRAINING);
    }

    @Test
    void rowWithoutKindOrWithTheColumnDefaultTakesItsKindFromItsConfig() {
        assertThat(JobKind.stored(null, SCORING)).isEqualTo(JobKind.SCORING);
        assertThat(JobKind.stored(null, TRAINING)).isEqualTo(JobKind.TRAINING);
        assertThat(JobKind.stored("training", SCORING)).isEqualTo(JobKind.SCORING);
    }

    @Test
    void kindUnknownToThisVersionReadsAsNone() {
        assertThat(JobKind.stored("distillation", TRAINING)).isNull();
    }

    private static JobConfig config(BatchScoring scoring) {
        return new JobConfig("ds-1", ModelReference.parse("org/base"), null, null, "job", 0, TrainingOptions.none(),
                scoring);
    }
}
