package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;

/** The whole transition table, pair by pair. */
class JobStatusTest {

    private static final Set<String> LEGAL = Set.of("QUEUED>RUNNING", "QUEUED>CANCELLED", "RUNNING>SUCCEEDED",
            "RUNNING>FAILED", "RUNNING>CANCELLED", "RUNNING>STOPPED", "RUNNING>QUEUED");

    @Test
    void everyPairIsLegalExactlyWhenTheTableSaysSo() {
        for (JobStatus from : JobStatus.values()) {
            for (JobStatus to : JobStatus.values()) {
                boolean legal = LEGAL.contains(from + ">" + to);
                assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(legal);
                if (!legal) {
                    assertThatThrownBy(() -> from.checkMoveTo(to)).isInstanceOf(IllegalJobTransitionException.class)
                            .hasMessageContaining(from.name()).hasMessageContaining(to.name());
                }
            }
        }
    }

    @Test
    void onlySucceededFailedCancelledAndStoppedAreFinal() {
        assertThat(Set.of(JobStatus.values()).stream().filter(JobStatus::isFinal))
                .containsExactlyInAnyOrder(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.STOPPED);
    }
}
