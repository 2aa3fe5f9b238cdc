package dev.attune.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;

import dev.attune.system.AttuneProperties;
import dev.attune.errors.InvalidInput;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import dev.attune.system.ProblemResponses;
import jakarta.validation.constraints.Min;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@Tag(name = "Data sets", description = "Upload labelled text (CSV, TSV, JSONL, optionally .gz) to fine-tune on")
@RestController
@RequestMapping("/api/v1/datasets")
class DatasetController {

    private final DatasetService datasets;
    private final AttuneProperties properties;

    DatasetController(DatasetService datasets, AttuneProperties properties) {
        this.datasets = datasets;
        this.properties = properties;
    }

    @Operation(operationId = "uploadDataset", summary = "Upload a data set", description = "Multipart part 'file'; the format is taken from the file "
            + "name (.csv, .tsv, .jsonl, each optionally .gz) or detected from the content. Rows with empty text are "
            + "skipped and counted; any other problem rejects the whole file and stores nothing.")
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @ProblemResponses({413, 415})
    ResponseEntity<DatasetResponse> upload(@RequestPart("file") MultipartFile file,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String textColumn,
            @Parameter(description = "The column (JSONL: field) of each row's second text, for sentence-pair "
                    + "classification (entailment, paraphrase): a job on the data set then trains a pair classifier. "
                    + "Every row needs both texts.")
            @RequestParam(required = false) String textPairColumn,
            @RequestParam(required = false) String labelColumn,
            @RequestParam(required = false) String format,
            @Parameter(description = "Splits a label cell into several labels for multi-label data (default \",\"; "
                    + "send it empty to keep each cell whole). A JSONL label may also be an array.")
            @RequestParam(required = false) String labelDelimiter,
            @Parameter(description = "true: rows without labels, to be scored and selected from (batch predictions "
                    + "with select); no label column is read. Jobs do not train on such a data set.")
            @RequestParam(defaultValue = "false") boolean unlabelled) throws IOException {
        if (file.isEmpty()) {
            throw DatasetProblems.emptyFile();
        }
        if (unlabelled && labelColumn != null && !labelColumn.isBlank()) {
            throw new InvalidInput("Label column without labels", "unlabelled=true reads no labels, but labelColumn '"
                    + labelColumn + "' was given. Leave one of them out.");
        }
        UploadOptions options = new UploadOptions(name, textColumn, labelColumn, DatasetFormat.parse(format).orElse(null),
                labelDelimiter, textPairColumn, unlabelled);
        Dataset dataset;
        try (InputStream in = file.getInputStream()) {
            dataset = datasets.create(in, file.getOriginalFilename(), options);
        }
        return ResponseEntity.created(URI.create("/api/v1/datasets/" + dataset.id())).body(DatasetResponse.of(dataset));
    }

    @Operation(operationId = "createDatasetVersion", summary = "Make a data set's next version",
            description = "Multipart part 'file' with newly labelled rows, in any upload format; the columns default to "
                    + "the parent's. A new data set (201) holding the parent's rows, then the new ones, naming its "
                    + "parentId, with version = the parent's + 1; jobs and sweeps use it like any data set. An uploaded "
                    + "row with the text (and text pair) of a parent row is left out when its labels are the same "
                    + "(counted in duplicateRows), and refuses the upload when they differ. The rows must be the "
                    + "parent's kind: labels or none as the parent, text pairs or single texts as the parent, the same "
                    + "problem type (400 otherwise); 404 for an unknown parent.")
    @PostMapping(path = "/{id}/versions", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @ProblemResponses({413, 415})
    ResponseEntity<DatasetResponse> createVersion(@PathVariable String id, @RequestPart("file") MultipartFile file,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String textColumn,
            @RequestParam(required = false) String textPairColumn,
            @RequestParam(required = false) String labelColumn,
            @RequestParam(required = false) String format,
            @RequestParam(required = false) String labelDelimiter) throws IOException {
        Dataset parent = datasets.get(id);
        if (file.isEmpty()) {
            throw DatasetProblems.emptyFile();
        }
        if (!parent.labelled() && labelColumn != null && !labelColumn.isBlank()) {
            throw DatasetProblems.notParentsKind(parent, "labelColumn '" + labelColumn + "' was given");
        }
        UploadOptions options = new UploadOptions(name, or(textColumn, parent.textColumn()),
                or(labelColumn, parent.labelColumn()), DatasetFormat.parse(format).orElse(null),
                labelDelimiter == null ? parent.labelDelimiter() : labelDelimiter,
                or(textPairColumn, parent.textPairColumn()), !parent.labelled());
        Dataset dataset;
        try (InputStream in = file.getInputStream()) {
            dataset = datasets.createVersion(parent, in, file.getOriginalFilename(), options);
        }
        return ResponseEntity.created(URI.create("/api/v1/datasets/" + dataset.id())).body(DatasetResponse.of(dataset));
    }

    private static String or(String given, String parents) {
        return given == null || given.isBlank() ? parents : given;
    }

    @Operation(operationId = "listDatasets", summary = "List data sets, newest first",
            description = "Every uploaded data set: rows, labels, columns and what was skipped.")
    @GetMapping
    List<DatasetResponse> list() {
        return datasets.list().stream().map(DatasetResponse::of).toList();
    }

    @Operation(operationId = "getDataset", summary = "One data set",
            description = "Its rows, labels with their counts, columns and the rows skipped while importing.")
    @GetMapping("/{id}")
    DatasetResponse get(@PathVariable String id) {
        return DatasetResponse.of(datasets.get(id));
    }

    @Operation(operationId = "previewDatasetRows", summary = "Preview rows", description = "Rows [offset, offset + limit) in upload order.")
    @GetMapping("/{id}/rows")
    DatasetRowsResponse rows(@PathVariable String id, @RequestParam(defaultValue = "0") @Min(0) long offset,
            @RequestParam(defaultValue = "20") @Min(1) int limit) {
        int max = properties.datasets().maxPreviewRows();
        if (limit > max) {
            throw new InvalidInput("Limit too large",
                    "limit is %d but at most %d rows can be previewed at once. Page with offset.".formatted(limit, max));
        }
        Dataset dataset = datasets.get(id);
        return new DatasetRowsResponse(id, offset, limit, dataset.rowCount(), datasets.rows(dataset, offset, limit));
    }

    @Operation(operationId = "deleteDataset", summary = "Delete a data set", description = "409 while a queued or running job uses it.")
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @ProblemResponses(409)
    void delete(@PathVariable String id) {
        datasets.delete(id);
    }
}
