package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** transformers' get_linear_schedule_with_warmup and get_cosine_schedule_with_warmup, value by value. */
class LearningRateScheduleTest {

    @Test
    void linearWarmsUpThenDecaysToZero() {
        var schedule = new LearningRateSchedule(1e-3, 10, 110, TrainingOptions.Scheduler.LINEAR);
        assertThat(schedule.rate(0)).isZero();
        assertThat(schedule.rate(5)).isCloseTo(5e-4, within(1e-12));
        assertThat(schedule.rate(10)).isCloseTo(1e-3, within(1e-12));
        assertThat(schedule.rate(60)).isCloseTo(5e-4, within(1e-12));
        assertThat(schedule.rate(110)).isZero();
    }

    @Test
    void cosineFollowsHalfACosine() {
        var schedule = new LearningRateSchedule(1.0, 0, 100, TrainingOptions.Scheduler.COSINE);
        assertThat(schedule.rate(0)).isCloseTo(1.0, within(1e-12));
        assertThat(schedule.rate(50)).isCloseTo(0.5, within(1e-12));
        assertThat(schedule.rate(25)).isCloseTo(0.5 * (1 + Math.cos(Math.PI / 4)), within(1e-12));
    }

    @Test
    void warmupStepsAreTheRatioOfAllStepsRoundedUp() {
        TrainingOptions options = Options.of("learningRate", 2e-5, "warmupRatio", 0.06);
        assertThat(LearningRateSchedule.of(options, 250).warmupSteps()).isEqualTo(15);
    }
}
