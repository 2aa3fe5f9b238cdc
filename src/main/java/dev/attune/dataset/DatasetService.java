package dev.attune.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import dev.attune.errors.NotFound;
import dev.attune.system.AttuneProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creates, lists, previews and deletes data sets; the only writer of their files and rows. */
@Service
public class DatasetService {

    private static final Logger log = LoggerFactory.getLogger(DatasetService.class);

    private final DatasetImporter importer;
    private final DatasetFiles files;
    private final DatasetRepository repository;
    private final DatasetUsers users;
    private final int maxLabels;

    DatasetService(DatasetImporter importer, DatasetFiles files, DatasetRepository repository, DatasetUsers users,
            AttuneProperties properties) {
        this.users = users;
        this.maxLabels = properties.datasets().maxLabels();
        this.importer = importer;
        this.files = files;
        this.repository = repository;
    }

    Dataset create(InputStream upload, String originalFileName, UploadOptions options) throws IOException {
        String id = UUID.randomUUID().toString();
        ImportedRows rows = importer.importRows(upload, originalFileName, options, files.newTempFile());
        String fileName = DatasetFiles.fileNameFor(id);
        String name = options.name() != null && !options.name().isBlank() ? options.name().trim()
                : originalFileName != null && !originalFileName.isBlank() ? originalFileName : id;
        Dataset dataset = new Dataset(id, name, rows.format().name().toLowerCase(), options.textColumn(),
                options.labelColumn(), rows.rowCount(), rows.skippedRows(), rows.sizeBytes(), fileName,
                rows.labels(), rows.multiLabelRows(), options.labelDelimiter(), rows.numericLabels(),
                DatasetRepository.now(), options.textPairColumn());
        publish(rows.tempFile(), dataset);
        log.info("Data set {} '{}': {} rows, {} skipped, labels {}, {} rows with several labels{}", id, name,
                rows.rowCount(), rows.skippedRows(), rows.labels(), rows.multiLabelRows(),
                rows.numericLabels() == null ? "" : ", numeric " + rows.numericLabels());
        return dataset;
    }

    /**
     * Makes a new data set of {@code rows} that names {@code parentId} as its parent: a data set's next version (its
     * rows plus newly labelled ones), or a data set made from another's rows (some left out, some relabelled). Jobs,
     * sweeps and batch predictions use it like any upload; deleting the parent later keeps it.
     * <ul>
     * <li>Rows are stored in the order given and indexed from 0 anew (their {@code index} is not kept).</li>
     * <li>It takes the parent's description (format, column names, label delimiter) and version + 1 (two data sets
     * made from one parent both have version + 1: versions form a tree).</li>
     * <li>Refused, storing nothing ({@code InvalidInput}, a 400 problem), as an upload is: no rows, a blank text
     * or label, more distinct labels than attune.datasets.max-labels, a single label; and when the rows are not the
     * parent's kind: labels where the parent has none (or none where it has them), text pairs where it has single
     * texts (or the reverse), or labels of another problem type (several labels on a row of a single-label data set,
     * words in a numeric one).</li>
     * </ul>
     *
     * @param name a display name; null or blank: the parent's name with " v" and the version
     * @param rows its rows, each with its text, its text pair when the parent has pairs, and its labels (none when
     *     the parent has none)
     * @throws NotFound no data set has id {@code parentId}
     */
    public Dataset createFrom(String parentId, String name, List<DatasetRow> rows) throws IOException {
        return createFrom(get(parentId), name, rows, 0, 0);
    }

    /**
     * A data set's next version: the rows of {@code upload} (read as an upload is; {@code options} default to the
     * parent's columns) added to the parent's ({@link VersionRows}: a row the parent holds with the same labels is
     * left out and counted, one with other labels refuses the upload).
     */
    Dataset createVersion(Dataset parent, InputStream upload, String originalFileName, UploadOptions options)
            throws IOException {
        ImportedRows imported = importer.importRows(upload, originalFileName, options, files.newTempFile(), true);
        List<DatasetRow> added;
        try {
            added = files.readFile(imported.tempFile());
        } finally {
            Files.deleteIfExists(imported.tempFile());
        }
        if (parent.hasTextPairs() != (options.textPairColumn() != null)) {
            throw DatasetProblems.notParentsKind(parent, "the upload has " + (options.textPairColumn() == null
                    ? "single texts" : "text pairs (column '" + options.textPairColumn() + "')"));
        }
        VersionRows merged = VersionRows.merge(allRows(parent.id()), added);
        return createFrom(parent, options.name(), merged.rows(), merged.duplicates(), imported.skippedRows());
    }

    private Dataset createFrom(Dataset parent, String name, List<DatasetRow> rows, int duplicates, int skipped)
            throws IOException {
        if (rows.isEmpty()) {
            throw DatasetProblems.noRows(skipped);
        }
        LabelStatistics labels = new LabelStatistics(maxLabels, parent.labelColumn());
        for (int i = 0; i < rows.size(); i++) {
            DatasetRow row = rows.get(i);
            if (row.text() == null || row.text().isBlank()) {
                throw DatasetProblems.badRow(i, "has an empty text");
            }
            if ((row.textPair() != null) != parent.hasTextPairs() || (row.textPair() != null && row.textPair().isBlank())) {
                throw DatasetProblems.notParentsKind(parent, "row " + i + " has " + (row.textPair() == null
                        ? "no text pair" : row.textPair().isBlank() ? "an empty text pair" : "a text pair"));
            }
            if (row.labels().isEmpty() == parent.labelled()) {
                throw DatasetProblems.notParentsKind(parent, "row " + i + " has " + (parent.labelled() ? "no labels"
                        : "labels"));
            }
            if (row.labels().stream().anyMatch(label -> label == null || label.isBlank() || label.length() > 256)) {
                throw DatasetProblems.badRow(i, "has an empty label or one over 256 characters");
            }
            if (parent.labelled()) {
                labels.add(row.labels());
            }
        }
        if (parent.labelled() && labels.distinctLabels() == 1) {
            throw DatasetProblems.singleLabel(labels.counts().firstKey());
        }
        String id = UUID.randomUUID().toString();
        int version = parent.version() + 1;
        String shown = name != null && !name.isBlank() ? name.trim() : parent.name() + " v" + version;
        Path temp = files.writeTemp(rows);
        Dataset dataset;
        try {
            dataset = new Dataset(id, shown.length() > 255 ? shown.substring(0, 255) : shown, parent.format(),
                    parent.textColumn(), parent.labelColumn(), rows.size(), skipped, Files.size(temp),
                    DatasetFiles.fileNameFor(id), labels.counts(), labels.multiLabelRows(), parent.labelDelimiter(),
                    parent.labelled() ? labels.numeric() : null, DatasetRepository.now(), parent.textPairColumn(),
                    parent.id(), version, duplicates);
            if (!Objects.equals(dataset.suggestedProblemType(), parent.suggestedProblemType())) {
                throw DatasetProblems.notParentsKind(parent, "its rows would make it " + DatasetProblems.kindOf(dataset));
            }
            publish(temp, dataset);
        } finally {
            Files.deleteIfExists(temp); // moved into place once published: a refusal or a failure leaves no file
        }
        log.info("Data set {} '{}': version {} of {}, {} rows ({} left out as the parent's), labels {}", id,
                dataset.name(), version, parent.id(), rows.size(), duplicates, dataset.labels());
        return dataset;
    }

    /** Moves the rows into place and records the data set; a failed insert removes the file again. */
    private void publish(Path temp, Dataset dataset) throws IOException {
        files.publish(temp, dataset.fileName());
        try {
            repository.insert(dataset);
        } catch (RuntimeException e) {
            files.delete(dataset.fileName());
            throw e;
        }
    }

    public Dataset get(String id) {
        return repository.findById(id).orElseThrow(() -> NotFound.of("Data set", id));
    }

    List<Dataset> list() {
        return repository.findAll();
    }

    List<DatasetRow> rows(Dataset dataset, long offset, int limit) {
        return files.read(dataset.fileName(), offset, limit);
    }

    /** Every row of a data set, in upload order (training and evaluation read them here). */
    public List<DatasetRow> allRows(String id) {
        return files.readAll(get(id).fileName());
    }

    /**
     * Deletes a data set nothing unfinished reads. The check and the deletion hold the data set's row, so a caller
     * storing work that reads it under {@link #lockForUse} either goes first (and the deletion sees that work) or
     * finds the data set gone.
     */
    @Transactional
    void delete(String id) {
        Dataset dataset = get(id);
        if (!repository.lock(id)) {
            throw NotFound.of("Dataset", id);
        }
        var jobs = users.activeJobsUsingDataset(id);
        var sweeps = users.runningSweepsUsingDataset(id);
        if (!jobs.isEmpty() || !sweeps.isEmpty()) {
            throw DatasetProblems.inUse(id, jobs, sweeps);
        }
        repository.delete(id);
        files.delete(dataset.fileName());
    }

    /**
     * Call inside the transaction that stores work reading the data set: holds its row until that transaction ends,
     * so a concurrent deletion waits and then sees the work. False when the data set no longer exists.
     */
    public boolean lockForUse(String id) {
        return repository.lock(id);
    }

    @EventListener(ApplicationReadyEvent.class)
    void removeLeftovers() throws IOException {
        files.removeOrphans(new HashSet<>(repository.allFileNames()));
    }
}
