package dev.attune.support;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/** ../shared beside the checkout (real data sets and checkpoints); tests needing it skip when absent. */
public final class SharedDir {

    private SharedDir() {
    }

    public static Path path() {
        return Path.of(System.getProperty("attune.shared-dir", "../shared")).toAbsolutePath().normalize();
    }

    /** The file under ../shared, or the test is skipped with a message saying what is missing. */
    public static Path require(String relative) {
        Path file = path().resolve(relative);
        Assumptions.assumeTrue(Files.exists(file),
                () -> "Skipped: " + file + " is absent (this test needs ../shared beside the checkout).");
        return file;
    }
}
