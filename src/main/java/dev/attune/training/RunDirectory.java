package dev.attune.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import dev.attune.files.FileTrees;

/**
 * One fine-tuning run's files: the base checkpoint pinned when the run starts ({@code base/}), the
 * best weights so far ({@code best/}) and the resume point ({@code resume/}). Each is replaced
 * atomically (written beside, then swapped), so a crash leaves the previous complete copy.
 */
public final class RunDirectory {

    /** Writes a directory's content; used with {@link #replace}. */
    @FunctionalInterface
    public interface Writer {
        void write(Path dir) throws IOException;
    }

    private final Path root;

    public RunDirectory(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The run's own copy of its base checkpoint. */
    public Path base() {
        return root.resolve("base");
    }

    /** The best evaluation's weights, as a Hugging Face checkpoint. */
    public Path best() {
        return root.resolve("best");
    }

    public ResumePoint resumePoint() {
        return new ResumePoint(root.resolve("resume"));
    }

    /**
     * Gives the run its own copy of the base checkpoint (hard links where the file system allows, else
     * copies; links followed), so deleting or replacing the original, or a Hub cache clean-up, cannot
     * break the run. Done once: a resumed run keeps the copy it started with.
     */
    public Path pin(Path checkpoint) {
        if (Files.isDirectory(base())) {
            return base();
        }
        replace(base(), copy -> {
            Files.createDirectories(copy);
            try (Stream<Path> files = Files.list(checkpoint)) {
                for (Path file : files.toList()) {
                    Path real = file.toRealPath();
                    if (Files.isRegularFile(real)) {
                        linkOrCopy(real, copy.resolve(file.getFileName().toString()));
                    } else if (Files.isDirectory(real) && file.getFileName().toString().matches("\\d+_\\w+")) {
                        pinModule(real, copy.resolve(file.getFileName().toString())); // sentence-transformers' 1_Pooling
                    }
                }
            }
        });
        return base();
    }

    /** A sentence-transformers module folder's files (1_Pooling/config.json). */
    private static void pinModule(Path module, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(module)) {
            for (Path file : files.toList()) {
                if (Files.isRegularFile(file.toRealPath())) {
                    linkOrCopy(file.toRealPath(), target.resolve(file.getFileName().toString()));
                }
            }
        }
    }

    /** Removes what only a live run needs (base, best weights, resume point); the job's log stays. */
    public void deleteWorkFiles() {
        FileTrees.delete(base());
        FileTrees.delete(best());
        FileTrees.delete(root.resolve("resume"));
    }

    /** Replaces {@code target} with what {@code writer} writes: written to a sibling, then swapped in. */
    static void replace(Path target, Writer writer) {
        Path temp = target.resolveSibling(target.getFileName() + ".saving");
        Path old = target.resolveSibling(target.getFileName() + ".old");
        try {
            FileTrees.delete(temp);
            writer.write(temp);
            FileTrees.delete(old);
            if (Files.exists(target)) {
                Files.move(target, old);
            }
            Files.move(temp, target);
            FileTrees.delete(old);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + target, e);
        }
    }

    private static void linkOrCopy(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source, target);
        }
    }
}
