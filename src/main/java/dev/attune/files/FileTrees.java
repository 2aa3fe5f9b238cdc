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
    /**
     * Whether a leftover (a file or directory no record points to) may be removed at start-up. With a database
     * of its own, this process is the only writer: every leftover is a crash's. With a shared database
     * another node may be writing it right now (a record is inserted after its files): only old ones go.
     */
    public static boolean removableLeftover(Path entry, boolean sharedDatabase) {
        if (!sharedDatabase) {
            return true;
        }
        try {
            return Files.getLastModifiedTime(entry).toInstant().isBefore(java.time.Instant.now().minus(SHARED_LEFTOVER_AGE));
        } catch (IOException e) {
            return false;
        }
    }

    /** Older than any upload or save still in progress on another node. */
    private static final java.time.Duration SHARED_LEFTOVER_AGE = java.time.Duration.ofHours(6);

    public static long size(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).mapToLong(path -> path.toFile().length()).sum();
        }
    }
}
