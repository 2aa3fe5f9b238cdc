package dev.attune.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import dev.attune.errors.Conflict;
import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.scoring.ResultsFile;
import dev.attune.system.ProblemResponses;
import dev.attune.job.JobService;
import dev.attune.job.Job;
import dev.attune.job.JobStatus;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

@Tag(name = "Batch predictions", description = "Score whole data sets as jobs on the queue; download every row's prediction")
@RestController
@RequestMapping("/api/v1/predictions")
class BatchPredictionController {

    private static final int MAX_LIMIT = 1000;

    private final JobService jobs;
    private final BatchPredictions predictions;
    private final BatchPredictionSubmission submission;
    private final BatchResults results;
    private final BatchSelections selections;
    private final ObjectMapper mapper;

    BatchPredictionController(JobService jobs, BatchPredictions predictions, BatchPredictionSubmission submission,
            BatchResults results, BatchSelections selections, ObjectMapper mapper) {
        this.jobs = jobs;
        this.predictions = predictions;
        this.submission = submission;
        this.results = results;
        this.selections = selections;
        this.mapper = mapper;
    }

    @Operation(operationId = "submitBatchPrediction", summary = "Score every row of a data set",
            description = "A job on the queue (any worker runs it; cancel it; a crash resumes it after the rows "
                    + "already scored). Name the model (modelId) or a deployment. 202 with its id.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ProblemResponses({429})
    ResponseEntity<BatchPredictionResponse> submit(@RequestBody BatchPredictionRequest request) {
        Job job = jobs.enqueue(submission.resolve(request));
        return ResponseEntity.accepted().location(URI.create("/api/v1/predictions/" + job.id()))
                .body(BatchPredictionResponse.of(job, mapper));
    }

    @Operation(operationId = "listBatchPredictions", summary = "List batch predictions, newest first",
            description = "At most limit of them (default 100, at most 1000); optional status filter: QUEUED, "
                    + "RUNNING, SUCCEEDED, FAILED, CANCELLED.")
    @GetMapping
    List<BatchPredictionResponse> list(
            @Parameter(description = "only those with this status") @RequestParam(required = false) String status,
            @Parameter(description = "at most this many, 1 to 1000") @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidInput("Invalid limit", "limit must be between 1 and " + MAX_LIMIT + ", was " + limit + ".");
        }
        return predictions.list(JobStatus.parse(status), limit).stream()
                .map(job -> BatchPredictionResponse.of(job, mapper)).toList();
    }

    @Operation(operationId = "getBatchPrediction", summary = "A batch prediction: status, rows, texts/s, metrics",
            description = "Status, rows scored so far, texts per second, and once ended the figures computed from the "
                    + "committed result rows.")
    @GetMapping("/{id}")
    BatchPredictionResponse get(@PathVariable String id) {
        return BatchPredictionResponse.of(predictions.get(id), mapper);
    }

    @Operation(operationId = "cancelBatchPrediction", summary = "Cancel a batch prediction",
            description = "A queued batch prediction ends at once; a running one at its next chunk. The rows already "
                    + "committed stay readable.")
    @PostMapping("/{id}/cancel")
    @ProblemResponses(409)
    BatchPredictionResponse cancel(@PathVariable String id) {
        predictions.get(id);
        return BatchPredictionResponse.of(jobs.cancel(id), mapper);
    }

    @Operation(operationId = "deleteBatchPrediction", summary = "Delete a batch prediction with its results",
            description = "Its record, results and log. 204 once removed (a queued one is cancelled first); 202 for a "
                    + "running one: it is cancelled, gone from this API at once, and removed once its worker stopped "
                    + "(at its next chunk). Ended batch predictions are also removed after attune.predictions.retention.")
    @DeleteMapping("/{id}")
    @ApiResponse(responseCode = "204", description = "Removed")
    @ApiResponse(responseCode = "202", description = "Running: cancelled, and removed once it ended")
    ResponseEntity<Void> delete(@PathVariable String id) {
        return predictions.delete(id) == BatchPredictions.Deletion.REMOVED ? ResponseEntity.noContent().build()
                : ResponseEntity.accepted().build();
    }

    @Operation(operationId = "getBatchPredictionSelection", summary = "The rows to label next, best first",
            description = "What select chose: format=json (default) {id, strategy, count, seed, rows: [{rank, index, "
                    + "score, text, [textPair], [label], prediction}]}, score being the one that chose the row (margin, "
                    + "entropy or top probability; null for random) and prediction the model's answer with every "
                    + "label's probability; format=jsonl: the rows, one per line; format=csv: rank, selection_score, "
                    + "then the results' columns. 404 for a batch prediction without select; 409 until it SUCCEEDED.")
    @GetMapping(path = "/{id}/selection", produces = {"application/json", "application/x-ndjson", "text/csv"})
    @ApiResponse(responseCode = "200", description = "The selected rows, best first", content = {
            @Content(mediaType = "application/json", schema = @Schema(type = "object")),
            @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string")),
            @Content(mediaType = "text/csv", schema = @Schema(type = "string"))})
    @ProblemResponses(409)
    ResponseEntity<StreamingResponseBody> selection(@PathVariable String id,
            @Parameter(description = "json (default), jsonl or csv") @RequestParam(defaultValue = "json") String format) {
        Job job = predictions.get(id);
        BatchPredictionSpec spec = job.spec(BatchPredictionSpec.class);
        if (spec.select() == null) {
            throw new NotFound("No selection", "Batch prediction " + id + " was submitted without select. Submit one "
                    + "with \"select\": {\"strategy\": \"margin\", \"count\": N} to choose rows to label.");
        }
        if (job.status() != JobStatus.SUCCEEDED) {
            throw new Conflict("Not finished", "Batch prediction " + id + " is " + job.status()
                    + "; its selection is made once every row is scored and it SUCCEEDED.");
        }
        if (!List.of("json", "jsonl", "csv").contains(format)) {
            throw new InvalidInput("Unknown format", "format must be json, jsonl or csv, was '" + format + "'.");
        }
        JsonNode selected = job.execution().testMetrics() == null ? null
                : mapper.readTree(job.execution().testMetrics()).get("selection");
        if (selected == null) { // not expected: a SUCCEEDED run with select records its selection
            throw new NotFound("No selection", "Batch prediction " + id + " recorded no selection.");
        }
        String file = selected.get("file").asString();
        Selection select = spec.select();
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(switch (format) {
            case "jsonl" -> "application/x-ndjson";
            case "csv" -> "text/csv";
            default -> "application/json";
        })).body(out -> {
            try (BufferedReader lines = selections.read(id, file)) {
                Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                if (format.equals("csv")) {
                    ResultsCsv.write(lines.lines().iterator(), writer, mapper, true);
                } else if (format.equals("jsonl")) {
                    lines.lines().forEach(line -> write(writer, line + "\n"));
                } else {
                    Map<String, Object> head = new LinkedHashMap<>();
                    head.put("id", id);
                    head.put("strategy", select.strategy().id());
                    head.put("count", select.count());
                    head.put("seed", select.seed());
                    String opened = mapper.writeValueAsString(head);
                    writer.write(opened.substring(0, opened.length() - 1) + ",\"rows\":[");
                    boolean[] first = {true};
                    lines.lines().forEach(line -> {
                        write(writer, first[0] ? line : "," + line);
                        first[0] = false;
                    });
                    writer.write("]}");
                }
                writer.flush();
            }
        });
    }

    private static void write(Writer writer, String text) {
        try {
            writer.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Operation(operationId = "getBatchPredictionResults", summary = "Every input row with its prediction",
            description = "format=jsonl (default): one JSON object per row {index, text, [textPair], label, "
                    + "prediction}; format=csv: index, text, [text_pair], label, predicted, score and one probability "
                    + "column per label. 409 until the batch prediction SUCCEEDED.")
    @GetMapping(path = "/{id}/results", produces = {"application/x-ndjson", "text/csv"})
    @ApiResponse(responseCode = "200", description = "Every row with its prediction", content = {
            @Content(mediaType = "application/x-ndjson", schema = @Schema(type = "string")),
            @Content(mediaType = "text/csv", schema = @Schema(type = "string"))})
    @ProblemResponses(409)
    ResponseEntity<StreamingResponseBody> results(@PathVariable String id,
            @Parameter(description = "jsonl (default) or csv") @RequestParam(defaultValue = "jsonl") String format) {
        Job job = predictions.get(id);
        if (job.status() != JobStatus.SUCCEEDED) {
            throw new Conflict("Not finished", "Batch prediction " + id + " is " + job.status()
                    + "; its results are complete once it SUCCEEDED.");
        }
        if (!format.equals("jsonl") && !format.equals("csv")) {
            throw new InvalidInput("Unknown format", "format must be jsonl or csv, was '" + format + "'.");
        }
        if (format.equals("jsonl")) {
            return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson"))
                    .body(out -> {
                        try (ResultsFile.Rows rows = results.read(id)) {
                            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                            while (rows.hasNext()) {
                                writer.write(rows.next());
                                writer.write('\n');
                            }
                            writer.flush();
                        }
                    });
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/csv"))
                .body(out -> {
                    try (ResultsFile.Rows rows = results.read(id)) {
                        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                        ResultsCsv.write(rows, writer, mapper);
                        writer.flush();
                    }
                });
    }
}
