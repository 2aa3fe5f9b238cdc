package dev.attune.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import dev.attune.support.Postgres;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Issue 31: a batch prediction's results are committed under the lease, like its progress: a worker that lost the
 * job (its row now RUNNING under another owner, or ended) commits nothing. The queue's moves are written as its
 * conditional updates leave the row (JobQueueTest covers the moves themselves).
 */
class BatchResultsFenceTest {

    private JdbcClient jdbc;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aWorkerThatLostItsBatchPredictionCommitsNoResults(String database) {
        open(database);
        BatchPredictionRepository predictions = new BatchPredictionRepository(jdbc);
        String id = UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO job (id, name, status, priority, config, created_at, kind) VALUES "
                + "(?, 'scoring', 'QUEUED', 50, '{}', CURRENT_TIMESTAMP, 'scoring')").param(id).update();
        runningUnder(id, "a/cpu/1");
        String first = "[{\"file\":\"results/part-a.jsonl\",\"lines\":256}]";
        assertThat(predictions.recordResults(id, "a/cpu/1", first)).isTrue();

        jdbc.sql("UPDATE job SET status = 'QUEUED', lease_owner = NULL WHERE id = ?").param(id).update(); // taken back
        assertThat(predictions.recordResults(id, "a/cpu/1", "[]")).as("taken back: nobody's").isFalse();
        runningUnder(id, "b/cpu/1");
        assertThat(predictions.results(id)).as("what b resumes from: a's committed rows").isEqualTo(first);

        // node a wakes up: its next chunk's commit is refused, and b's counts
        assertThat(predictions.recordResults(id, "a/cpu/1", "[{\"file\":\"results/part-a.jsonl\",\"lines\":512}]"))
                .isFalse();
        assertThat(predictions.results(id)).isEqualTo(first);
        String both = "[{\"file\":\"results/part-a.jsonl\",\"lines\":256},{\"file\":\"results/part-b.jsonl\",\"lines\":44}]";
        assertThat(predictions.recordResults(id, "b/cpu/1", both)).isTrue();
        jdbc.sql("UPDATE job SET status = 'SUCCEEDED', lease_owner = NULL WHERE id = ?").param(id).update();
        assertThat(predictions.recordResults(id, "b/cpu/1", "[]")).as("an ended job's results are final").isFalse();
        assertThat(predictions.results(id)).isEqualTo(both);
    }

    private void runningUnder(String id, String owner) {
        jdbc.sql("UPDATE job SET status = 'RUNNING', lease_owner = ? WHERE id = ?").params(owner, id).update();
    }

    private void open(String database) {
        DriverManagerDataSource dataSource = database.equals("postgresql")
                ? new DriverManagerDataSource(Postgres.newDatabase(), "postgres", "")
                : new DriverManagerDataSource("jdbc:h2:mem:results-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + database).load().migrate();
        jdbc = JdbcClient.create(dataSource);
    }
}
