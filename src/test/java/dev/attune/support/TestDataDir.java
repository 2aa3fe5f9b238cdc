package dev.attune.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.test.context.DynamicPropertyRegistry;

/** A fresh data directory (H2 database, data sets, models) for one Spring test context. */
public final class TestDataDir {

    private TestDataDir() {
    }

    public static Path register(DynamicPropertyRegistry registry) {
        try {
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "test-data-");
            registry.add("attune.data-dir", dir::toString);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #register}, with the golden checkpoints' folder as the import root (jobs and imports use them). */
    public static Path registerWithGoldenImports(DynamicPropertyRegistry registry) {
        Path dir = register(registry);
        registry.add("attune.models.import-roots", () -> Golden.dir("tiny-bert").getParent().toString());
        return dir;
    }
}
