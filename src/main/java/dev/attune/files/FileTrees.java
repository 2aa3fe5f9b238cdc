package dev.attune.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deleting and measuring directory trees. Symbolic links are removed, never followed. */
public final class FileTrees {

    private static final Logger log = LoggerFactory.getLogger(FileTrees.class);

    private FileTrees() {
    }

    /** Deletes a file or a directory with everything in it; a missing path is fine. Failures throw. */
    public static void delete(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + root, e);
        }
    }

    /**
     * As {@link #delete}, for clean-ups that must not fail the operation they follow: a failure is
     * logged with its cause and reported, never swallowed silently.
     *
     * @return whether the tree is gone
     */
    public static boolean deleteQuietly(Path root) {
        try {
            delete(root);
            return true;
        } catch (UncheckedIOException e) {
            log.warn("Could not delete {} (it will be retried at the next start): {}", root, e.getCause().toString());
            return false;
        }
    }

    /** Total bytes of the regular files under {@code root}. */
    public static long size(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).mapToLong(path -> path.toFile().length()).sum();
        }
    }
}
