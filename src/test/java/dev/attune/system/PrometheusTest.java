package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** /actuator/prometheus as a scraper sees it: attune's meters, JVM, HTTP and native memory. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrometheusTest {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void theScrapeHasAttuneJvmHttpAndNativeMemoryMeters() {
        Http http = new Http(port);
        http.get("/api/v1/jobs"); // so that an HTTP server request is recorded
        Http.Response scrape = http.get("/actuator/prometheus");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.body()).contains("attune_jobs_queued", "attune_jobs_running",
                "attune_training_samples_per_second", "attune_ndarrays_live", "attune_ndarrays_bytes",
                "attune_memory_native_bytes", "jvm_memory_used_bytes", "http_server_requests_seconds");
        assertThat(value(scrape.body(), "attune_memory_native_bytes")).isGreaterThan(1e6); // libtorch is loaded
    }

    private static double value(String scrape, String meter) {
        return scrape.lines().filter(line -> line.startsWith(meter + " ") || line.startsWith(meter + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(Double.NaN);
    }
}
