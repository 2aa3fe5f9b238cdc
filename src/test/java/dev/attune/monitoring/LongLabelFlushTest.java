package dev.attune.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import dev.attune.serving.Prediction;
import dev.attune.serving.ServedRequest;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A label longer than monitoring_counts.bin (255) — dataset labels may be 256 characters, an imported checkpoint's
 * any length — must not make the flush's write fail: the write is all or none, so one such row would keep every
 * node's counts out of the database for good (kept, then dropped past MAX_PENDING).
 */
class LongLabelFlushTest {

    @Test
    void aLabelLongerThanTheBinColumnIsStillWritten() {
        DataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:longlabel-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration/common", "classpath:db/migration/h2")
                .load().migrate();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        MonitoringRepository repository = new MonitoringRepository(jdbc);

        String longLabel = "x".repeat(256); // DatasetImporter's MAX_LABEL_LENGTH
        TrafficCounters counters = new TrafficCounters();
        Instant at = Instant.parse("2026-12-07T10:00:10Z");
        counters.served(new ServedRequest("r1", null, "m1", at, 1_000_000,
                List.of(new ServedRequest.ServedText("a text", null,
                        new Prediction(longLabel, 0.9, Map.of(longLabel, 0.9), null, false, null), 5, 0)),
                128));
        List<TrafficCounters.CountRow> rows = counters.drain(at);
        assertThat(rows).isNotEmpty();

        repository.add("node", rows); // threw DataIntegrityViolation (value too long) before the fix

        Map<String, Counts> sums = repository.sums(null, "m1", at.minusSeconds(600));
        assertThat(sums.get("m1").texts()).isEqualTo(1);
        assertThat(sums.get("m1").of(Figure.LABEL).values()).containsExactly(1L);
    }

    @Test
    void aLongLabelIsCutTheSameWayInTheReference() {
        String longLabel = "y".repeat(254) + "\uD83D\uDE00" + "z"; // a surrogate pair across the cut
        BucketCounts bucket = new BucketCounts();
        bucket.addText(new Prediction(longLabel, 0.9, Map.of(longLabel, 0.9), null, false, null), 5, 0, 128);
        Counts counts = new Counts();
        bucket.drainInto(counts);
        String bin = counts.of(Figure.LABEL).keySet().iterator().next();
        assertThat(bin.length()).isLessThanOrEqualTo(255);
        assertThat(Character.isHighSurrogate(bin.charAt(bin.length() - 1))).isFalse();
        assertThat(longLabel).startsWith(bin);
    }

    @Test
    void aReferenceStoredWithAnUncutLabelComparesWithTheCutTraffic() {
        String longLabel = "w".repeat(300);
        Reference stored = new Reference("validation", 10, 128,
                Map.of(Figure.LABEL.id, Map.of(longLabel, 7L, "short", 3L)));
        assertThat(stored.of(Figure.LABEL)).containsOnly(Map.entry(BucketCounts.bin(longLabel), 7L),
                Map.entry("short", 3L));
    }
}
