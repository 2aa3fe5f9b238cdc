package dev.attune.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.attune.support.Http;
import dev.attune.support.TestDataDir;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document passes Redocly CLI's recommended rules (issue 31: 37 errors before, no security scheme
 * declared). Redocly is installed from the npm registry into target/ on first use; without npm or the registry
 * the test is skipped, saying so.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiLintTest {

    private static final String REDOCLY = "@redocly/cli@2.77.0";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDataDir.register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void theApiDocumentPassesRedoclysRecommendedRules() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "openapi-lint").toAbsolutePath());
        Path spec = dir.resolve("api-docs.json");
        Files.writeString(spec, new Http(port).get("/v3/api-docs").body());
        Path config = Path.of("src", "test", "resources", "openapi", "redocly.yaml").toAbsolutePath();
        Path cli = dir.resolve("node_modules").resolve(".bin").resolve("redocly");
        if (!Files.isExecutable(cli)) {
            Result install = run(dir, 180, "npm", "install", "--prefix", dir.toString(), "--ignore-scripts",
                    "--no-audit", "--no-fund", REDOCLY);
            Assumptions.assumeTrue(install != null && install.code() == 0 && Files.isExecutable(cli),
                    "Redocly CLI could not be installed from the npm registry (" + (install == null ? "no npm"
                            : install.output().lines().reduce((a, b) -> b).orElse("")) + "): lint skipped");
        }

        Result lint = run(dir, 120, cli.toString(), "lint", spec.toString(), "--config", config.toString(),
                "--format", "json");

        assertThat(lint).isNotNull();
        String output = lint.output();
        JsonNode report = JsonMapper.builder().build().readTree(output.substring(output.indexOf('{'), output.lastIndexOf('}') + 1));
        assertThat(report.path("totals").path("errors").intValue()).as(output).isZero();
        assertThat(report.path("totals").path("warnings").intValue()).as(output).isZero();
    }

    private record Result(int code, String output) {
    }

    /** A command's exit code and output; null when it cannot be started (not installed). */
    private static Result run(Path dir, int seconds, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Process process;
        try {
            process = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            return null;
        }
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out after " + seconds + " s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
