package dev.attune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * A batch holding one request id already logged: only that row is left out (and counted as repeated); the batch's
 * other rows are written once and counted as logged. Before, H2 ran the rest of the failed batch, the row-by-row
 * retry then met those rows again, and all were counted as repeated (logged undercounted, dropped overcounted).
 */
class RequestLogBatchDuplicateTest {

    @Test
    void aRepeatedIdInABatchCountsOnlyItselfAsRepeated() {
        DataSource ds = new DriverManagerDataSource("jdbc:h2:mem:rl-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration/common", "classpath:db/migration/h2")
                .load().migrate();
        RequestLogRepository repository = new RequestLogRepository(JdbcClient.create(ds), new JdbcTemplate(ds),
                new LabelsJson(JsonMapper.builder().build()),
                new TransactionTemplate(new DataSourceTransactionManager(ds)));
        Instant now = Instant.now();
        assertThat(repository.insert(List.of(row("old", now)))).isZero();
        int duplicates = repository.insert(List.of(row("a", now), row("old", now), row("b", now)));
        assertThat(duplicates).isEqualTo(1);
        assertThat(repository.texts("a")).isEqualTo(1);
        assertThat(repository.texts("b")).isEqualTo(1);
    }

    private static LoggedRequest row(String id, Instant at) {
        return new LoggedRequest(id, 0, null, "m", List.of("x"), 0.5, null, null, at);
    }
}
