package dev.attune.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import dev.attune.files.FileTrees;
import dev.attune.system.AttuneProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The checkpoint directories of registered models under {@code <data-dir>/models}. A model is written
 * into a {@code .tmp-*} directory and renamed into place, so a crash never leaves half a model visible.
 */
@Component
public class ModelFiles {

    private static final Logger log = LoggerFactory.getLogger(ModelFiles.class);
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path dir;

    private final boolean sharedDatabase;

    ModelFiles(AttuneProperties properties, dev.attune.system.LocalNode node) throws IOException {
        this.sharedDatabase = node.sharedDatabase();
        this.dir = properties.modelsDir();
        Files.createDirectories(dir);
    }

    public Path newTempDir() throws IOException {
        return Files.createTempDirectory(dir, TEMP_PREFIX);
    }

    public Path publish(Path tempDir, String id) throws IOException {
        Path target = dir.resolve(id);
        Files.move(tempDir, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    public Path pathOf(String id) {
        return dir.resolve(id);
    }

    public void delete(String id) {
        FileTrees.deleteQuietly(dir.resolve(id)); // the record is gone already; a leftover is removed at the next start
    }

    /** Streams the model's directory as a zip with the files at its root (a loadable HF checkpoint). */
    void zip(String id, OutputStream out) throws IOException {
        Path root = dir.resolve(id);
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            addFiles(zip, root, name -> true);
            try (Stream<Path> modules = Files.list(root)) { // a SetFit model's sentence-transformers modules (1_Pooling)
                for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
                    String folder = module.getFileName().toString();
                    if (folder.matches("\\d+_\\w+")) {
                        try (Stream<Path> files = Files.list(module)) {
                            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                                addFile(zip, folder + "/" + file.getFileName(), file);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Streams the regular files of {@code root} whose names {@code include} accepts as a zip, at its root. */
    static void zip(Path root, Predicate<String> include, OutputStream out) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            addFiles(zip, root, include);
        }
    }

    static void addFiles(ZipOutputStream zip, Path root, Predicate<String> include) throws IOException {
        try (Stream<Path> files = Files.list(root)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                if (include.test(name)) {
                    addFile(zip, name, file);
                }
            }
        }
    }

    /** Adds {@code file} as the entry {@code name}. */
    static void addFile(ZipOutputStream zip, String name, Path file) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        Files.copy(file, zip);
        zip.closeEntry();
    }

    static void addBytes(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Removes temporary and unregistered directories left by a crash. */
    void removeOrphans(Set<String> known) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if ((name.startsWith(TEMP_PREFIX) || !known.contains(name))
                        && FileTrees.removableLeftover(entry, sharedDatabase)) {
                    log.info("Removing leftover model directory {}", name);
                    FileTrees.deleteQuietly(entry);
                }
            }
        }
    }
}
