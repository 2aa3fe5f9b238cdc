package dev.attune.job;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

import dev.attune.errors.Conflict;
import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.system.ProblemResponses;

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

@Tag(name = "Batch predictions", description = "Score whole data sets as jobs on the queue; download every row's prediction")
@RestController
@RequestMapping("/api/v1/predictions")
class PredictionJobController {

    private final JobService jobs;
    private final ScoringSubmission submission;
    private final JobDirectories directories;
    private final ObjectMapper mapper;

    PredictionJobController(JobService jobs, ScoringSubmission submission, JobDirectories directories,
            ObjectMapper mapper) {
        this.jobs = jobs;
        this.submission = submission;
        this.directories = directories;
        this.mapper = mapper;
    }

    @Operation(operationId = "submitBatchPrediction", summary = "Score every row of a data set",
            description = "A job on the queue (any worker runs it; cancel it; a crash resumes it after the rows "
                    + "already scored). Name the model (modelId) or a deployment. 202 with its id.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ProblemResponses({429})
    ResponseEntity<PredictionJobResponse> submit(@RequestBody PredictionJobRequest request) {
        Job job = jobs.enqueue(submission.resolve(request));
        return ResponseEntity.accepted().location(URI.create("/api/v1/predictions/" + job.id()))
                .body(PredictionJobResponse.of(job, mapper));
    }

    @Operation(operationId = "getBatchPrediction", summary = "A batch prediction: status, rows, texts/s, metrics")
    @GetMapping("/{id}")
    PredictionJobResponse get(@PathVariable String id) {
        return PredictionJobResponse.of(scoringJob(id), mapper);
    }

    @Operation(operationId = "cancelBatchPrediction", summary = "Cancel a batch prediction")
    @PostMapping("/{id}/cancel")
    @ProblemResponses(409)
    PredictionJobResponse cancel(@PathVariable String id) {
        scoringJob(id);
        return PredictionJobResponse.of(jobs.cancel(id), mapper);
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
        Job job = scoringJob(id);
        if (job.status() != JobStatus.SUCCEEDED) {
            throw new Conflict("Not finished", "Batch prediction " + id + " is " + job.status()
                    + "; its results are complete once it SUCCEEDED.");
        }
        Path file = directories.results(id);
        if (format.equals("jsonl")) {
            return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson"))
                    .body(out -> Files.copy(file, out));
        }
        if (!format.equals("csv")) {
            throw new InvalidInput("Unknown format", "format must be jsonl or csv, was '" + format + "'.");
        }
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/csv"))
                .body(out -> {
                    Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                        ResultsCsv.write(lines, writer, mapper);
                    }
                    writer.flush();
                });
    }

    private Job scoringJob(String id) {
        Job job = jobs.get(id);
        if (job.config().scoring() == null) {
            throw NotFound.of("Batch prediction", id);
        }
        return job;
    }
}
