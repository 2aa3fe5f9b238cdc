package dev.attune.dataset;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import dev.attune.system.AttuneProperties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * A data set made from another's rows (an audit's cleaned copy: suspects dropped or relabelled): stored as an upload
 * is (normalised rows written to a temporary file, moved into place, then described in the database), with the parent's
 * columns, so a job or a sweep uses it as any other.
 */
@Component
public class DerivedDatasets {

    private static final Logger log = LoggerFactory.getLogger(DerivedDatasets.class);

    private final DatasetFiles files;
    private final DatasetRepository repository;
    private final ObjectMapper mapper;
    private final int maxLabels;

    DerivedDatasets(DatasetFiles files, DatasetRepository repository, ObjectMapper mapper, AttuneProperties properties) {
        this.files = files;
        this.repository = repository;
        this.mapper = mapper;
        this.maxLabels = properties.datasets().maxLabels();
    }

    /**
     * @param rows the new data set's rows (their indexes are ignored: they are numbered afresh)
     * @throws dev.attune.errors.InvalidInput when no row, or a single label, is left
     */
    public Dataset create(String name, Dataset parent, List<DatasetRow> rows) throws IOException {
        String id = UUID.randomUUID().toString();
        LabelStatistics labels = new LabelStatistics(maxLabels, parent.labelColumn());
        Path temp = files.newTempFile();
        try {
            try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                for (DatasetRow row : rows) {
                    labels.add(row.labels());
                    out.write(mapper.writeValueAsString(StoredRow.of(row.text(), row.textPair(), row.labels())));
                    out.write('\n');
                }
            }
            if (rows.isEmpty()) {
                throw DatasetProblems.noRows(0);
            }
            if (labels.distinctLabels() == 1) {
                throw DatasetProblems.singleLabel(labels.counts().firstKey());
            }
            String fileName = DatasetFiles.fileNameFor(id);
            Dataset dataset = new Dataset(id, name.length() > 255 ? name.substring(0, 255) : name, "jsonl",
                    parent.textColumn(), parent.labelColumn(), rows.size(), 0, Files.size(temp), fileName,
                    labels.counts(), labels.multiLabelRows(), parent.labelDelimiter(), labels.numeric(),
                    DatasetRepository.now(), parent.textPairColumn());
            files.publish(temp, fileName);
            try {
                repository.insert(dataset);
            } catch (RuntimeException e) {
                files.delete(fileName);
                throw e;
            }
            log.info("Data set {} '{}': {} rows derived from data set {}", id, dataset.name(), rows.size(), parent.id());
            return dataset;
        } finally {
            Files.deleteIfExists(temp); // gone already once published
        }
    }
}
