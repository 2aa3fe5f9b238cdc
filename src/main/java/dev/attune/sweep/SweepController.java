package dev.attune.sweep;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import dev.attune.system.ProblemResponses;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

@Tag(name = "Sweeps", description = "Hyperparameter sweeps: many trial jobs on the queue, one decision")
@RestController
@RequestMapping("/api/v1/sweeps")
class SweepController {

    private final SweepService sweeps;
    private final SweepRepository repository;
    private final ObjectMapper mapper;

    SweepController(SweepService sweeps, SweepRepository repository, ObjectMapper mapper) {
        this.sweeps = sweeps;
        this.repository = repository;
        this.mapper = mapper;
    }

    @Operation(operationId = "createSweep", summary = "Start a sweep", description = "base: a job request every trial "
            + "starts from; grid ({option: [values]}: every combination) or random ({option: {values} | {min, max, log}}, "
            + "trials draws). Trials are ordinary jobs (their sweepId says whose, submittedBy the sweep's key), run on "
            + "every free worker. 400 lists every problem of every trial at once (deploy included). Trials beyond "
            + "maxParallel or the queue's room wait; 429 (nothing stored) only when the queue has no room at all.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ProblemResponses({429})
    ResponseEntity<SweepResponse> create(@RequestBody SweepRequest request) {
        SweepRepository.SweepRow sweep = sweeps.create(request);
        return ResponseEntity.accepted().location(URI.create("/api/v1/sweeps/" + sweep.id())).body(response(sweep));
    }

    @Operation(operationId = "listSweeps", summary = "List sweeps, newest first",
            description = "Every sweep with its status, metric, trials and best trial so far.")
    @GetMapping
    List<SweepResponse> list() {
        List<SweepRepository.SweepRow> all = sweeps.list();
        Map<String, List<SweepRepository.TrialRow>> trials = repository.trialsOf(
                all.stream().map(SweepRepository.SweepRow::id).toList()); // one statement for every sweep's trials
        return all.stream().map(sweep -> response(sweep, trials.getOrDefault(sweep.id(), List.of()))).toList();
    }

    @Operation(operationId = "getSweep", summary = "A sweep: its trials, the best one and its model",
            description = "Reads only: a sweep moves on as its trials end, not when it is read.")
    @GetMapping("/{id}")
    SweepResponse get(@PathVariable String id) {
        return response(sweeps.get(id));
    }

    @Operation(operationId = "cancelSweep", summary = "Cancel a sweep and every trial not yet ended",
            description = "Ends the sweep CANCELLED, then cancels its queued and running trials; trials already ended keep "
                    + "their models.")
    @PostMapping("/{id}/cancel")
    SweepResponse cancel(@PathVariable String id) {
        return response(sweeps.cancel(id));
    }

    /** Two statements: the sweep, then its trials with their jobs' status and model and their rungs. */
    private SweepResponse response(SweepRepository.SweepRow sweep) {
        return response(sweep, repository.trials(sweep.id()));
    }

    private SweepResponse response(SweepRepository.SweepRow sweep, List<SweepRepository.TrialRow> rows) {
        List<SweepResponse.Trial> trials = rows.stream()
                .map(trial -> new SweepResponse.Trial(trial.trial(), trial.jobId(), asMap(mapper.readTree(trial.options())),
                        trial.status(), trial.bestScore(), trial.rungs(), trial.modelId()))
                .toList();
        return new SweepResponse(sweep.id(), sweep.name(), sweep.status(), sweep.spec().metric(),
                sweep.spec().scheduler(), trials, sweep.bestJobId(), sweep.modelId(), sweep.createdAt(),
                sweep.finishedAt(), sweep.deployError(), asMap(mapper.valueToTree(sweep.spec())));
    }

    @SuppressWarnings("unchecked")
    private java.util.Map<String, Object> asMap(JsonNode node) {
        return mapper.convertValue(node, java.util.Map.class);
    }
}
