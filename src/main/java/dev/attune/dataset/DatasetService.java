package dev.attune.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import dev.attune.errors.NotFound;

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

    DatasetService(DatasetImporter importer, DatasetFiles files, DatasetRepository repository, DatasetUsers users) {
        this.users = users;
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
        files.publish(rows.tempFile(), fileName);
        try {
            repository.insert(dataset);
        } catch (RuntimeException e) {
            files.delete(fileName);
            throw e;
        }
        log.info("Data set {} '{}': {} rows, {} skipped, labels {}, {} rows with several labels{}", id, name,
                rows.rowCount(), rows.skippedRows(), rows.labels(), rows.multiLabelRows(),
                rows.numericLabels() == null ? "" : ", numeric " + rows.numericLabels());
        return dataset;
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

    @Transactional
    void delete(String id) {
        Dataset dataset = get(id);
        var jobs = users.activeJobsUsingDataset(id);
        var sweeps = users.runningSweepsUsingDataset(id);
        if (!jobs.isEmpty() || !sweeps.isEmpty()) {
            throw DatasetProblems.inUse(id, jobs, sweeps);
        }
        repository.delete(id);
        files.delete(dataset.fileName());
    }

    @EventListener(ApplicationReadyEvent.class)
    void removeLeftovers() throws IOException {
        files.removeOrphans(new HashSet<>(repository.allFileNames()));
    }
}
