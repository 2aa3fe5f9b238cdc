package dev.attune.monitoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.attune.model.ModelFiles;

import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * The references stored with the models: a small JSON file in the model's directory (deleted with it, shared by the
 * nodes with the data directory), read once per model and kept.
 */
@Component
public class References {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(References.class);

    static final String FILE = "monitoring-reference.json";

    private final ModelFiles files;
    private final ObjectMapper mapper;
    private final Map<String, Optional<Reference>> cache = new ConcurrentHashMap<>();

    References(ModelFiles files, ObjectMapper mapper) {
        this.files = files;
        this.mapper = mapper;
    }

    /** The model's reference; empty for a model without one (imported, or trained before monitoring). */
    Optional<Reference> of(String modelId) {
        Optional<Reference> known = cache.get(modelId);
        if (known != null && known.isPresent()) {
            return known;
        }
        Path file = files.pathOf(modelId).resolve(FILE);
        Optional<Reference> read = Optional.empty();
        try {
            read = Files.isRegularFile(file) ? Optional.of(mapper.readValue(file.toFile(), Reference.class)) : read;
        } catch (RuntimeException e) { // an unreadable file: the model answers as one without a reference
            log.warn("Monitoring reference {} cannot be read: {}", file, e.toString());
        }
        cache.put(modelId, read);
        return read;
    }

    /** Stores it in the model's directory, whole or not at all (written beside it, then moved in). */
    void write(String modelId, Reference reference) throws IOException {
        Path dir = files.pathOf(modelId);
        Path temp = Files.createTempFile(dir, "monitoring-reference", ".tmp");
        try {
            Files.writeString(temp, mapper.writeValueAsString(reference));
            Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        cache.remove(modelId);
    }
}
