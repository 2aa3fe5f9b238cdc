package dev.attune.dataset;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import dev.attune.files.FileTrees;
import dev.attune.system.AttuneProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The data sets' row files under {@code <data-dir>/datasets}. New files are written as
 * {@code .tmp-*} and atomically renamed into place, so a crash never exposes half a data set.
 */
@Component
class DatasetFiles {

    private static final Logger log = LoggerFactory.getLogger(DatasetFiles.class);
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path dir;
    private final ObjectMapper mapper;

    private final boolean sharedDatabase;

    DatasetFiles(AttuneProperties properties, ObjectMapper mapper, dev.attune.system.LocalNode node) throws IOException {
        this.sharedDatabase = node.sharedDatabase();
        this.dir = properties.datasetsDir();
        this.mapper = mapper;
        Files.createDirectories(dir);
    }

    Path newTempFile() throws IOException {
        return Files.createTempFile(dir, TEMP_PREFIX, ".jsonl");
    }

    /** Moves a finished temporary file into place under its final name (same directory: atomic). */
    void publish(Path tempFile, String fileName) throws IOException {
        Files.move(tempFile, dir.resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
    }

    static String fileNameFor(String id) {
        return UUID.fromString(id) + ".jsonl";
    }


    void delete(String fileName) {
        try {
            Files.deleteIfExists(dir.resolve(fileName));
        } catch (IOException e) {
            log.warn("Could not delete data-set file {}: {}", fileName, e.toString());
        }
    }

    /** Writes rows (indexed by their place, from 0) to a new temporary file, to be published under a data set's name. */
    Path writeTemp(List<DatasetRow> rows) throws IOException {
        Path temp = newTempFile();
        try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            for (DatasetRow row : rows) {
                out.write(mapper.writeValueAsString(StoredRow.of(row)));
                out.write('\n');
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    /** Every row of a data set's file. */
    List<DatasetRow> readAll(String fileName) {
        return readFile(dir.resolve(fileName));
    }

    /** Every row of a file in the stored format (a data set's, or a temporary one of {@link DatasetImporter}). */
    List<DatasetRow> readFile(Path file) {
        List<DatasetRow> rows = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                rows.add(row(rows.size(), line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** One stored line ({@link StoredRow} knows its format). */
    private DatasetRow row(long index, String line) {
        return mapper.readValue(line, StoredRow.class).toRow(index);
    }

    /** Rows [offset, offset + limit) of a data set's file. */
    List<DatasetRow> read(String fileName, long offset, int limit) {
        List<DatasetRow> rows = new ArrayList<>(limit);
        try (BufferedReader reader = Files.newBufferedReader(dir.resolve(fileName), StandardCharsets.UTF_8)) {
            long index = 0;
            for (String line = reader.readLine(); line != null && rows.size() < limit; line = reader.readLine(), index++) {
                if (index >= offset) {
                    rows.add(row(index, line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    /** Removes files no database row points at: leftovers of uploads interrupted by a crash. */
    void removeOrphans(Set<String> known) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if ((name.startsWith(TEMP_PREFIX) || !known.contains(name))
                        && FileTrees.removableLeftover(file, sharedDatabase)) {
                    log.info("Removing leftover data-set file {}", name);
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
