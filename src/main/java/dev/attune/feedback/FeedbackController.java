package dev.attune.feedback;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.system.ProblemResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Feedback", description = "True labels for served answers: live accuracy per deployment and model, and "
        + "data sets to train the next model on")
@RestController
@RequestMapping("/api/v1/feedback")
class FeedbackController {

    private final FeedbackService feedback;
    private final FeedbackRepository repository;
    private final FeedbackDatasets datasets;
    private final RequestLogRepository log;

    FeedbackController(FeedbackService feedback, FeedbackRepository repository, FeedbackDatasets datasets,
            RequestLogRepository log) {
        this.feedback = feedback;
        this.repository = repository;
        this.datasets = datasets;
        this.log = log;
    }

    @Operation(operationId = "giveFeedback", summary = "Correct one served answer",
            description = "Body {\"requestId\": \"<an answer's requestId>\", \"index\": <which text, default 0>, "
                    + "\"label\": \"<true label>\"} (the request log must have kept it: attune.feedback.request-log), "
                    + "or {\"text\": \"...\", \"model\": \"<id>\" or \"deployment\": \"<name>\", \"predictedLabel\": "
                    + "\"<what it answered>\", \"label\": \"...\"}; a multi-label model takes \"labels\" (and "
                    + "\"predictedLabels\"). Feedback on a request and text already corrected replaces it (the latest "
                    + "counts, \"replaced\": true). 404 when the log does not hold the request (off, not sampled, past "
                    + "retention); 400 when a label is not the model's.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ProblemResponses(404)
    FeedbackResponse give(@RequestBody FeedbackRequest body) {
        return feedback.give(body);
    }

    @Operation(operationId = "giveFeedbackBatch", summary = "Correct many served answers at once",
            description = "A JSON array of feedback objects as POST /api/v1/feedback takes, 1 to "
                    + "attune.feedback.max-batch (default 500; the body at most 64 KB). All are checked first: any "
                    + "problem stores nothing, and the answer lists every one by its position (404 when each is a "
                    + "request the log does not hold, else 400); 413 over the limit.")
    @PostMapping(path = "/batch", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ProblemResponses({404, 413})
    FeedbackResponse.Batch giveAll(@RequestBody List<FeedbackRequest> body) {
        return feedback.giveAll(body);
    }

    @Operation(operationId = "getLiveAccuracy", summary = "Live accuracy per deployment and model, from feedback",
            description = "For each deployment and model (filtered by the parameters): the corrected answers whose "
                    + "answer is known, how many were right, the accuracy and its 95% Wilson interval. A pair with no "
                    + "such feedback is absent.")
    @GetMapping("/accuracy")
    List<LiveAccuracy> accuracy(
            @Parameter(description = "Only this deployment's answers") @RequestParam(required = false) String deployment,
            @Parameter(description = "Only this model's answers") @RequestParam(required = false) String model,
            @Parameter(description = "Only answers served from then on (ISO-8601, e.g. 2026-12-01T00:00:00Z)")
            @RequestParam(required = false) String since) {
        return repository.tally(deployment, model, instant(since)).stream().map(LiveAccuracy::of).toList();
    }

    @Operation(operationId = "createFeedbackDataset", summary = "Make a data set from feedback",
            description = "The feedback on a model's (or a deployment's) answers, since a time if given, as rows of "
                    + "text and true labels, oldest answer first; with includeTrainingRows after the rows of the data "
                    + "set it becomes a version of (datasetId, default the model's training data set). Feedback whose "
                    + "text is unknown is left out and counted. A job (POST /api/v1/jobs), sweep or audit then takes its "
                    + "id, and a deployment can take the model trained on it as a canary.")
    @PostMapping(path = "/datasets", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ProblemResponses(404)
    ResponseEntity<FeedbackDataset> dataset(@RequestBody FeedbackDatasetRequest body) throws IOException {
        FeedbackDataset created = datasets.create(body);
        return ResponseEntity.created(URI.create("/api/v1/datasets/" + created.id())).body(created);
    }

    /**
     * One text of a logged request.
     *
     * @param requestId the answer's requestId
     * @param index which text of the request, from 0
     * @param deployment the deployment that routed it; absent when none did
     * @param model the model that answered
     * @param predictedLabels the labels it answered; absent for a regression model
     * @param score the answered label's probability, or a regression model's value
     * @param text the text; absent unless the log keeps texts (attune.feedback.request-log.store-texts)
     * @param textPair the text's pair, for a sentence-pair model
     * @param servedAt when it was answered
     */
    record LoggedAnswer(String requestId, int index, String deployment, String model, List<String> predictedLabels,
            double score, String text, String textPair, Instant servedAt) {
    }

    @Operation(operationId = "getLoggedRequest", summary = "A request as the request log kept it",
            description = "Each text of a logged predict request with its answer (and the text when the log keeps "
                    + "texts): what feedback by requestId corrects. 404 when the log does not hold it.")
    @GetMapping("/requests/{requestId}")
    List<LoggedAnswer> logged(@PathVariable String requestId) {
        List<LoggedAnswer> texts = log.all(requestId).stream().map(r -> new LoggedAnswer(r.requestId(), r.index(),
                r.deployment(), r.modelId(), r.predicted(), r.score(), r.text(), r.textPair(), r.servedAt())).toList();
        if (texts.isEmpty()) {
            throw new NotFound("Request not logged", "No served request with requestId '" + requestId + "' is in the "
                    + "request log: the log may be off (attune.feedback.request-log.rate), the request not sampled "
                    + "or past retention.");
        }
        return texts;
    }

    private static Instant instant(String since) {
        try {
            return since == null || since.isBlank() ? null : Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw new InvalidInput("Invalid since", "since: an ISO-8601 instant such as 2026-12-01T00:00:00Z, was '"
                    + since + "'.");
        }
    }
}
