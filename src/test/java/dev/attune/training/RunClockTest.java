package dev.attune.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which evaluations a run still has ahead, for the ETA. */
class RunClockTest {

    @Test
    void everyNStepsAndAtTheEnd() {
        // 94 steps, every 40: evaluations at 40, 80 and 94
        assertThat(RunClock.evaluationsAfter(0, 94, 40, 94)).isEqualTo(3);
        assertThat(RunClock.evaluationsAfter(39, 94, 40, 94)).isEqualTo(3);
        assertThat(RunClock.evaluationsAfter(40, 94, 40, 94)).isEqualTo(2);
        assertThat(RunClock.evaluationsAfter(93, 94, 40, 94)).isEqualTo(1);
        // 80 steps, every 40: at 40 and 80 only
        assertThat(RunClock.evaluationsAfter(0, 80, 40, 80)).isEqualTo(2);
        assertThat(RunClock.evaluationsAfter(79, 80, 40, 80)).isEqualTo(1);
    }

    @Test
    void eachEpochWithoutEvalEvery() {
        // 3 epochs of 10 steps: at 10, 20, 30
        assertThat(RunClock.evaluationsAfter(0, 30, 0, 10)).isEqualTo(3);
        assertThat(RunClock.evaluationsAfter(10, 30, 0, 10)).isEqualTo(2);
        assertThat(RunClock.evaluationsAfter(29, 30, 0, 10)).isEqualTo(1);
    }
}
