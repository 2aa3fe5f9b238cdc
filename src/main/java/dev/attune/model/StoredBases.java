package dev.attune.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.attune.checkpoint.CheckpointDir;
import dev.attune.files.FileTrees;
import dev.attune.modeling.LoraFiles;
import dev.attune.system.AttuneProperties;
import dev.attune.system.LocalNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The bases LoRA models run over, owned by attune. A base given as a path or a Hub snapshot is kept in {@code
 * <data-dir>/bases/<sha256>}: its config, weights and tokenizer files copied (the SHA-256 over their names and bytes
 * computed while copying, into a temporary directory moved into place, so no half-written base is ever seen), once
 * for all the adapters of the same base. A registered base stays the registered model (which cannot be deleted
 * while an adapter runs over it). Either is written into the adapter's attune_adapter.json relative to the data
 * directory ({@code bases/<sha256>}, {@code models/<id>}), so every node sharing the data directory finds it. A kept
 * base goes with the last adapter that runs over it.
 */
@Component
class StoredBases {

    private static final Logger log = LoggerFactory.getLogger(StoredBases.class);
    private static final String DIR = "bases";
    private static final String TEMP_PREFIX = ".tmp-";
    /** What a base's checkpoint needs besides its weights (*.safetensors and their index). */
    private static final Set<String> FILES = Set.of(CheckpointDir.CONFIG, CheckpointDir.TOKENIZER,
            CheckpointDir.TOKENIZER_CONFIG, "special_tokens_map.json", "added_tokens.json", "vocab.txt", "vocab.json",
            "merges.txt", "sentencepiece.bpe.model", "spiece.model");

    private final Path dataDir;
    private final Path dir;
    private final Path modelsDir;
    private final boolean sharedDatabase;

    StoredBases(AttuneProperties properties, LocalNode node) {
        this.dataDir = properties.dataDir().toAbsolutePath().normalize();
        this.dir = dataDir.resolve(DIR);
        this.modelsDir = properties.modelsDir().toAbsolutePath().normalize();
        this.sharedDatabase = node.sharedDatabase();
    }

    /**
     * Points the adapter in {@code adapterDir} at its base: the registered model, else the base kept here (copied
     * now unless an adapter of the same base kept it already). Done under this node's lock, so a kept base an
     * adapter being written refers to is never taken for unused ({@link #dropIfUnused}).
     *
     * @return the kept base's directory; null for a registered base
     */
    synchronized Path refer(Path adapterDir, Training training) throws IOException {
        if (training.baseModelId() != null) {
            LoraFiles.writeBaseInDataDir(adapterDir, Path.of("models", training.baseModelId()));
            return null;
        }
        Path kept = keep(training.baseDir());
        LoraFiles.writeBaseInDataDir(adapterDir, dataDir.relativize(kept));
        return kept;
    }

    /** Whether {@code path} is a base kept here. */
    boolean isKept(Path path) {
        Path normal = path.toAbsolutePath().normalize();
        return dir.equals(normal.getParent()) && !normal.getFileName().toString().startsWith(TEMP_PREFIX);
    }

    private Path keep(Path checkpoint) throws IOException {
        if (isKept(checkpoint)) {
            return checkpoint.toAbsolutePath().normalize();
        }
        Files.createDirectories(dir);
        Path temp = Files.createTempDirectory(dir, TEMP_PREFIX);
        try {
            Path target = dir.resolve(copyHashing(checkpoint, temp));
            if (Files.isDirectory(target)) {
                Files.setLastModifiedTime(target, FileTime.fromMillis(System.currentTimeMillis())); // in use again
                return target;
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                log.info("Kept base {} for LoRA adapters as {}", checkpoint, target);
            } catch (IOException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                } // else another node kept the same base meanwhile: the same bytes
            }
            return target;
        } finally {
            FileTrees.deleteQuietly(temp); // moved already, or not needed
        }
    }

    /** Copies the base's files into {@code temp}; the SHA-256 (hex) over their names and bytes, in name order. */
    private static String copyHashing(Path checkpoint, Path temp) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> files;
        try (Stream<Path> entries = Files.list(checkpoint)) {
            files = entries.filter(Files::isRegularFile).filter(f -> belongsToBase(f.getFileName().toString()))
                    .sorted().toList();
        }
        for (Path file : files) {
            String name = file.getFileName().toString();
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                Files.copy(in, temp.resolve(name));
            }
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static boolean belongsToBase(String name) {
        return FILES.contains(name) || name.endsWith(".safetensors") && !name.equals(LoraFiles.WEIGHTS)
                || name.endsWith(".safetensors.index.json");
    }

    /**
     * Deletes a kept base no model (nor a model being written) runs over any more; anything else is left alone. With
     * a shared database another node may be writing an adapter of it right now: only a base not kept again within
     * the last hours goes then (the others at a later start, {@link #removeLeftovers}).
     */
    synchronized void dropIfUnused(Path base) {
        if (base == null || !isKept(base) || !Files.isDirectory(base)
                || !FileTrees.removableLeftover(base, sharedDatabase)) {
            return;
        }
        Path normal = base.toAbsolutePath().normalize();
        if (!referenced(normal)) {
            log.info("Deleting kept base {}: no LoRA model runs over it any more", normal.getFileName());
            FileTrees.deleteQuietly(normal);
        }
    }

    /** Removes temporary directories a crash left and kept bases no model runs over. */
    synchronized void removeLeftovers() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                boolean temp = entry.getFileName().toString().startsWith(TEMP_PREFIX);
                if ((temp || !referenced(entry.toAbsolutePath().normalize()))
                        && FileTrees.removableLeftover(entry, sharedDatabase)) {
                    log.info("Removing leftover base directory {}", entry.getFileName());
                    FileTrees.deleteQuietly(entry);
                }
            }
        }
    }

    /** Whether a model directory (a registered one, or one being written) runs over {@code base}. */
    private boolean referenced(Path base) {
        if (!Files.isDirectory(modelsDir)) {
            return false;
        }
        try (Stream<Path> models = Files.list(modelsDir)) {
            return models.filter(model -> Files.isRegularFile(model.resolve(LoraFiles.BASE))).anyMatch(model -> {
                try {
                    Path over = LoraFiles.baseDirOf(model);
                    return over == null || base.equals(over.toAbsolutePath().normalize());
                } catch (RuntimeException e) {
                    return true; // unreadable (being written): it may run over it
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + modelsDir, e);
        }
    }
}
