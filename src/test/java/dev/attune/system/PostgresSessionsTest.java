package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;
import dev.attune.support.Postgres;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** A PostgreSQL session left idle in a transaction longer than the lease is ended, its locks released. */
class PostgresSessionsTest {

    @Test
    void anIdleTransactionOutlivingTheLeaseIsEndedAndH2IsLeftAlone() throws Exception {
        PostgresSessions sessions = new PostgresSessions(new MockEnvironment()
                .withProperty("attune.jobs.lease-time", "1s"));
        try (HikariDataSource postgres = new HikariDataSource()) {
            postgres.setJdbcUrl(Postgres.newDatabase());
            postgres.setUsername("postgres");
            sessions.postProcessBeforeInitialization(postgres, "dataSource");
            try (Connection frozen = postgres.getConnection(); Statement statement = frozen.createStatement()) {
                try (ResultSet timeout = statement.executeQuery("SHOW idle_in_transaction_session_timeout")) {
                    assertThat(timeout.next()).isTrue();
                    assertThat(timeout.getString(1)).isEqualTo("1s");
                }
                frozen.setAutoCommit(false);
                statement.execute("CREATE TEMPORARY TABLE t (x int)");
                Thread.sleep(1_500); // a node frozen mid-transaction past its lease
                assertThatThrownBy(() -> statement.execute("SELECT 1")).isInstanceOf(SQLException.class)
                        .hasMessageContaining("idle-in-transaction timeout");
            }
        }
        try (HikariDataSource h2 = new HikariDataSource()) {
            h2.setJdbcUrl("jdbc:h2:mem:sessions");
            sessions.postProcessBeforeInitialization(h2, "dataSource");
            assertThat(h2.getConnectionInitSql()).isNull();
        }
    }
}
