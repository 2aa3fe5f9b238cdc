package dev.attune.job;

import java.net.URI;
import java.util.List;

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
    private final JobRepository jobs;
    private final ObjectMapper mapper;

    SweepController(SweepService sweeps, SweepRepository repository, JobRepository jobs, ObjectMapper mapper) {
        this.sweeps = sweeps;
        this.repository = repository;
        this.jobs = jobs;
        this.mapper = mapper;
    }

    @Operation(operationId = "createSweep", summary = "Start a sweep", description = "base: a job request every trial "
            + "starts from; grid ({option: [values]}: every combination) or random ({option: {values} | {min, max, log}}, "
            + "trials draws). Trials are ordinary jobs (their sweepId says whose), run on every free worker. 400 lists "
            + "every problem of every trial at once.")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ProblemResponses({429})
    ResponseEntity<SweepResponse> create(@RequestBody SweepRequest request) {
        SweepRepository.SweepRow sweep = sweeps.create(request);
        return ResponseEntity.accepted().location(URI.create("/api/v1/sweeps/" + sweep.id())).body(response(sweep));
    }

    @Operation(operationId = "listSweeps", summary = "List sweeps, newest first")
    @GetMapping
    List<SweepResponse> list() {
        return sweeps.list().stream().map(this::response).toList();
    }

    @Operation(operationId = "getSweep", summary = "A sweep: its trials, the best one and its model")
    @GetMapping("/{id}")
    SweepResponse get(@PathVariable String id) {
        return response(sweeps.get(id));
    }

    @Operation(operationId = "cancelSweep", summary = "Cancel a sweep and every trial not yet ended")
    @PostMapping("/{id}/cancel")
    SweepResponse cancel(@PathVariable String id) {
        return response(sweeps.cancel(id));
    }

    private SweepResponse response(SweepRepository.SweepRow sweep) {
        JsonNode spec = mapper.readTree(sweep.spec());
        List<SweepResponse.Trial> trials = repository.trials(sweep.id()).stream().map(trial -> {
            if (trial.jobId() == null) { // waiting for a place (maxParallel)
                return new SweepResponse.Trial(trial.trial(), null, asMap(mapper.readTree(trial.options())), null, null,
                        0, null);
            }
            Job job = jobs.findById(trial.jobId()).orElse(null);
            return new SweepResponse.Trial(trial.trial(), trial.jobId(), asMap(mapper.readTree(trial.options())),
                    job == null ? null : job.status(), repository.bestScore(sweep.id(), trial.jobId()),
                    jobs.evaluations(trial.jobId()).size(), job == null ? null : job.execution().modelId());
        }).toList();
        return new SweepResponse(sweep.id(), sweep.name(), sweep.status(), spec.path("metric").asString(),
                spec.path("scheduler").asString(), trials, sweep.bestJobId(), sweep.modelId(), sweep.createdAt(),
                sweep.finishedAt(), asMap(spec));
    }

    @SuppressWarnings("unchecked")
    private java.util.Map<String, Object> asMap(JsonNode node) {
        return mapper.convertValue(node, java.util.Map.class);
    }
}
