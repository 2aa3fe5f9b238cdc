package dev.attune.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

import dev.attune.errors.Overloaded;
import dev.attune.files.FileTrees;
import dev.attune.system.AttuneProperties;
import dev.attune.system.LocalNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Downloads that must be built (an ONNX export, a LoRA model merged) are built once per model, format and input
 * files and kept as {@code <data-dir>/downloads/<model id>/<format>.<fingerprint>.zip}: written to a temporary file
 * and moved into place, so a crash never leaves half a zip. The fingerprint covers the names, sizes and times of
 * the files the build reads, so a changed model is built again. At most {@code attune.models.max-download-builds}
 * builds run at once; beyond that a request is refused (429) rather than queued, and requests for a zip being built
 * wait for that build.
 */
@Component
class DownloadCache {

    /** Writes a zip into the file it is given. */
    @FunctionalInterface
    interface Build {
        void writeTo(Path file) throws IOException;
    }

    static final String SETTING = "attune.models.max-download-builds";
    private static final Logger log = LoggerFactory.getLogger(DownloadCache.class);
    private static final String TEMP_PREFIX = ".tmp-";
    /** Part of every fingerprint: raised when a zip's layout changes, so zips built before are built again. */
    private static final String LAYOUT = "2";
    private static final long RETRY_AFTER_SECONDS = 10;

    private final Path root;
    private final int maxBuilds;
    private final Semaphore builds;
    private final boolean sharedDatabase;
    private final MeterRegistry meters;
    private final ConcurrentHashMap<Path, CompletableFuture<Path>> building = new ConcurrentHashMap<>();

    DownloadCache(AttuneProperties properties, LocalNode node, MeterRegistry meters) throws IOException {
        this.root = properties.downloadsDir();
        this.maxBuilds = properties.models().maxDownloadBuilds();
        this.builds = new Semaphore(maxBuilds);
        this.sharedDatabase = node.sharedDatabase();
        this.meters = meters;
        Files.createDirectories(root);
    }

    /**
     * The cached zip of a model in a format, built first if need be (by this request, or by the one already
     * building it, which this one waits for).
     *
     * @param inputs the directories the build reads: a change to their files makes a new zip
     * @throws Overloaded when as many builds as allowed are running already
     */
    Path get(String modelId, String format, List<Path> inputs, Build build) throws IOException {
        Path dir = root.resolve(modelId);
        Path file = dir.resolve(format + "." + fingerprint(inputs) + ".zip");
        if (Files.isRegularFile(file)) {
            return file;
        }
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> running = building.putIfAbsent(file, mine);
        if (running != null) {
            return await(running);
        }
        try {
            if (!Files.isRegularFile(file)) { // else built by the request that just finished
                if (!builds.tryAcquire()) {
                    throw overloaded(format);
                }
                try {
                    write(dir, file, format, build);
                } finally {
                    builds.release();
                }
            }
            mine.complete(file);
            return file;
        } catch (IOException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            building.remove(file, mine);
        }
    }

    private void write(Path dir, Path file, String format, Build build) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, TEMP_PREFIX + format + "-", ".zip");
        try {
            build.writeTo(temp);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        Counter.builder("attune.model.download.builds").description("downloads built (then served from the cache)")
                .tag("format", format).register(meters).increment();
        log.info("Built the {} download of model {} in {} ms ({} bytes)", format, dir.getFileName(),
                (System.nanoTime() - start) / 1_000_000, Files.size(file));
        try (Stream<Path> older = Files.list(dir)) { // the same format built from files since changed
            older.filter(p -> p.getFileName().toString().startsWith(format + ".") && !p.equals(file))
                    .forEach(FileTrees::deleteQuietly);
        }
    }

    private Overloaded overloaded(String format) {
        return (Overloaded) new Overloaded("Too many downloads being built", "The " + format + " download of this "
                + "model is not built yet, and " + maxBuilds + " download(s) are being built already, the most "
                + SETTING + " allows at once (each holds a whole model in memory). Retry after "
                + RETRY_AFTER_SECONDS + " s; a download built once is served from the cache at once.")
                .with("limit", maxBuilds).with("setting", SETTING).retryAfter(RETRY_AFTER_SECONDS);
    }

    private static Path await(CompletableFuture<Path> running) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return running.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    } else if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    } else if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The names, sizes and modification times of the regular files in {@code dirs} (not their bytes). */
    private static String fingerprint(List<Path> dirs) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(LAYOUT.getBytes(StandardCharsets.UTF_8));
            for (Path dir : dirs) {
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        String line = "\n" + file.getFileName() + "\0" + Files.size(file) + "\0"
                                + Files.getLastModifiedTime(file).toMillis();
                        digest.update(line.getBytes(StandardCharsets.UTF_8));
                    }
                }
                digest.update((byte) '/');
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Removes a model's cached downloads (it was deleted); a failure is logged and retried at the next start. */
    void evict(String modelId) {
        FileTrees.deleteQuietly(root.resolve(modelId));
    }

    /** Removes the downloads of models no longer registered, and temporary files a crash left. */
    void removeOrphans(Set<String> known) {
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.toList()) {
                if (!known.contains(dir.getFileName().toString())) {
                    if (FileTrees.removableLeftover(dir, sharedDatabase)) {
                        FileTrees.deleteQuietly(dir);
                    }
                } else if (Files.isDirectory(dir)) {
                    try (Stream<Path> files = Files.list(dir)) {
                        files.filter(f -> f.getFileName().toString().startsWith(TEMP_PREFIX))
                                .filter(f -> FileTrees.removableLeftover(f, sharedDatabase))
                                .forEach(FileTrees::deleteQuietly);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("Could not look for leftover downloads in {}: {}", root, e.toString());
        }
    }
}
