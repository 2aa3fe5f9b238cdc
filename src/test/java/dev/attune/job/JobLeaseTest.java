package dev.attune.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** A worker trusts its lease only while a renewal was confirmed within the lease time, on its own clock. */
class JobLeaseTest {

    @Test
    void aLeaseNotRenewedInTimeIsNoLongerHeldEvenBeforeTheDatabaseSaysSo() throws InterruptedException {
        JobLease lease = new JobLease("job", "node/cpu/1", Duration.ofMillis(1000), System.nanoTime());
        assertThat(lease.held()).isTrue();
        Thread.sleep(1000); // a GC pause, SIGSTOP, a network cut: no renewal confirmed for longer than the lease
        assertThat(lease.held()).isFalse();
        lease.renewed(System.nanoTime());
        assertThat(lease.held()).isTrue();
        lease.lose(); // the database said the job is another worker's
        assertThat(lease.held()).isFalse();
        lease.renewed(System.nanoTime());
        assertThat(lease.held()).as("once lost, never regained").isFalse();
    }

    @Test
    void aCancelAskedElsewhereIsCarriedByTheLease() {
        JobLease lease = new JobLease("job", "node/cpu/1", Duration.ofSeconds(30), System.nanoTime());
        assertThat(lease.cancelRequested()).isFalse();
        lease.requestCancel();
        assertThat(lease.cancelRequested()).isTrue();
        assertThat(lease.held()).isTrue();
    }
}
