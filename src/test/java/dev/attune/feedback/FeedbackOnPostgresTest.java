package dev.attune.feedback;

import dev.attune.support.Postgres;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link FeedbackApiTest} on a real PostgreSQL (embedded, 17): the migration, the locks, the upsert and the tallies. */
class FeedbackOnPostgresTest extends FeedbackApiTest {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        String url = Postgres.newDatabase();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }
}
