package dev.attune.audit;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import dev.attune.errors.InvalidInput;
import dev.attune.system.ProblemResponses;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.ObjectMapper;

@Tag(name = "Label audits", description = "Find mislabelled rows: cross-validated fine-tuning on the queue and "
        + "confident learning; clean the data set")
@RestController
@RequestMapping("/api/v1/datasets/{datasetId}/audits")
class AuditController {

    private static final int MAX_SUSPECTS_SHOWN = 1000;

    private final AuditService audits;
    private final AuditRepository repository;
    private final AuditCleaning cleaning;
    private final ObjectMapper mapper;

    AuditController(AuditService audits, AuditRepository repository, AuditCleaning cleaning, ObjectMapper mapper) {
        this.audits = audits;
        this.repository = repository;
        this.cleaning = cleaning;
        this.mapper = mapper;
    }

    /**
     * An audit: these fields and, beside them, a job request's (baseModel and any training option such as epochs,
     * learningRate, maxLength, seed; the data set is the path's).
     *
     * @param folds 2 to 20 and at most the rows of the smallest class (default 5)
     * @param rankBy self_confidence (default) or normalized_margin: how suspects are ordered, lowest first
     * @param name a display name
     * @param baseModel a registered model id, an absolute path under the import roots, or a Hub id (required)
     */
    record AuditRequest(@Schema(example = "5", defaultValue = "5") Integer folds,
            @Schema(example = "self_confidence", defaultValue = "self_confidence") String rankBy, String name,
            @Schema(type = "string", example = "/srv/checkpoints/all-MiniLM-L6-v2") String baseModel) {
    }

    @Operation(operationId = "createAudit", summary = "Audit a data set's labels",
            description = "Runs `folds` (default 5, 2 to 20 and at most the rows of the smallest class) fine-tuning "
                    + "jobs of kind audit_fold on the queue, each training on the other folds (stratified, seeded by "
                    + "`seed`) and scoring its own rows; then confident learning (cleanlab's find_label_issues) flags "
                    + "the rows whose label looks wrong. Besides folds, rankBy and name the body is a job request "
                    + "(baseModel and any training option). 400 lists every problem; 429 (nothing stored) when the "
                    + "queue has no room for every fold.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
            schema = @Schema(implementation = AuditRequest.class)))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ProblemResponses({404, 429})
    ResponseEntity<AuditResponse> create(@PathVariable String datasetId, @RequestBody Map<String, Object> body) {
        AuditRepository.AuditRow audit = audits.create(datasetId, mapper.valueToTree(body));
        return ResponseEntity.accepted().location(URI.create(path(datasetId, audit.id())))
                .body(response(audit, 0, 0));
    }

    @Operation(operationId = "listAudits", summary = "A data set's audits, newest first",
            description = "Each with its status and fold jobs; without suspects (read one audit for them).")
    @GetMapping
    @ProblemResponses(404)
    List<AuditResponse> list(@PathVariable String datasetId) {
        return audits.list(datasetId).stream().map(a -> AuditResponse.of(a, repository.folds(a.id()), null)).toList();
    }

    @Operation(operationId = "getAudit", summary = "An audit: its folds and its suspects",
            description = "Suspects ranked [offset, offset + limit), most suspect first, each with its row index, "
                    + "text, given and suggested label, self-confidence and normalised margin. Reads only.")
    @GetMapping("/{auditId}")
    @ProblemResponses(404)
    AuditResponse get(@PathVariable String datasetId, @PathVariable String auditId,
            @RequestParam(defaultValue = "0") long offset, @RequestParam(defaultValue = "100") int limit) {
        if (offset < 0 || limit < 0 || limit > MAX_SUSPECTS_SHOWN) {
            throw new InvalidInput("Invalid page", "offset must be 0 or more and limit 0 to " + MAX_SUSPECTS_SHOWN
                    + " (was " + offset + ", " + limit + "); download every suspect at .../suspects.");
        }
        return response(audits.get(datasetId, auditId), offset, limit);
    }

    @Operation(operationId = "downloadAuditSuspects", summary = "Every suspect, as CSV or JSON lines",
            description = "format=jsonl (default) or csv: rank, row_index, text, [text_pair], given_label, "
                    + "suggested_label, self_confidence, normalized_margin. Empty until the audit SUCCEEDED.")
    @GetMapping(path = "/{auditId}/suspects", produces = {"application/x-ndjson", "text/csv"})
    @ApiResponse(responseCode = "200", description = "The suspects, most suspect first", content = {
            @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string")),
            @Content(mediaType = "text/csv", schema = @Schema(type = "string"))})
    @ProblemResponses(404)
    ResponseEntity<StreamingResponseBody> suspects(@PathVariable String datasetId, @PathVariable String auditId,
            @Parameter(description = "jsonl (default) or csv") @RequestParam(defaultValue = "jsonl") String format) {
        audits.get(datasetId, auditId);
        if (!format.equals("jsonl") && !format.equals("csv")) {
            throw new InvalidInput("Unknown format", "format must be jsonl or csv, was '" + format + "'.");
        }
        List<AuditRepository.Suspect> suspects = cleaning.suspects(auditId);
        boolean csv = format.equals("csv");
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"audit-" + auditId + "-suspects."
                        + format + "\"")
                .contentType(MediaType.parseMediaType(csv ? "text/csv" : "application/x-ndjson"))
                .body(out -> {
                    Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                    if (csv) {
                        writeCsv(suspects, writer);
                    } else {
                        for (AuditRepository.Suspect suspect : suspects) {
                            writer.write(mapper.writeValueAsString(suspect));
                            writer.write('\n');
                        }
                    }
                    writer.flush();
                });
    }

    @Operation(operationId = "cancelAudit", summary = "Cancel an audit and its fold jobs",
            description = "Ends the audit CANCELLED, then cancels its queued and running fold jobs. 409 once ended.")
    @PostMapping("/{auditId}/cancel")
    @ProblemResponses({404, 409})
    AuditResponse cancel(@PathVariable String datasetId, @PathVariable String auditId) {
        return response(audits.cancel(datasetId, auditId), 0, 0);
    }

    /**
     * What to make of an audit's suspects.
     *
     * @param mode drop (a data set without the suspects) or relabel (the suspects with their suggested labels)
     * @param name the new data set's name (default: the audited one's, saying what was done)
     * @param top change only the top most suspect rows (default: every suspect): fewer rows, more of them wrong
     */
    record CleanRequest(@Schema(example = "drop", requiredMode = Schema.RequiredMode.REQUIRED) String mode,
            @Schema(example = "sst2 cleaned") String name, @Schema(example = "400") Integer top) {
    }

    @Operation(operationId = "cleanAuditedDataset", summary = "A new data set without the suspects, or relabelled",
            description = "mode drop: every row but the suspects; relabel: the suspects with their suggested labels; "
                    + "top: only the N most suspect. "
                    + "201 with the new data set (Location: /api/v1/datasets/{id}), which jobs and sweeps use as any "
                    + "other; the audited data set is unchanged. 409 until the audit SUCCEEDED.")
    @PostMapping(path = "/{auditId}/clean", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @ProblemResponses({404, 409})
    ResponseEntity<AuditCleaning.CleanedDataset> clean(@PathVariable String datasetId, @PathVariable String auditId,
            @RequestBody CleanRequest request) throws IOException {
        AuditCleaning.CleanedDataset created = cleaning.clean(datasetId, auditId, request.mode(), request.name(),
                request.top());
        return ResponseEntity.created(URI.create("/api/v1/datasets/" + created.id())).body(created);
    }

    private AuditResponse response(AuditRepository.AuditRow audit, long offset, int limit) {
        return AuditResponse.of(audit, repository.folds(audit.id()),
                limit == 0 ? List.of() : repository.suspects(audit.id(), offset, limit));
    }

    private static String path(String datasetId, String auditId) {
        return "/api/v1/datasets/" + datasetId + "/audits/" + auditId;
    }

    private static void writeCsv(List<AuditRepository.Suspect> suspects, Writer out) throws IOException {
        boolean pairs = suspects.stream().anyMatch(s -> s.textPair() != null);
        CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180);
        List<String> header = new ArrayList<>(List.of("rank", "row_index", "text"));
        if (pairs) {
            header.add("text_pair");
        }
        header.addAll(List.of("given_label", "suggested_label", "self_confidence", "normalized_margin"));
        csv.printRecord(header);
        for (AuditRepository.Suspect s : suspects) {
            List<Object> record = new ArrayList<>(List.of(s.rank(), s.rowIndex(), s.text()));
            if (pairs) {
                record.add(s.textPair());
            }
            record.addAll(List.of(s.givenLabel(), s.suggestedLabel(), s.selfConfidence(), s.normalizedMargin()));
            csv.printRecord(record);
        }
        csv.flush();
    }
}
