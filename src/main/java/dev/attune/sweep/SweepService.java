package dev.attune.sweep;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.attune.deployment.DeploymentService;
import dev.attune.errors.AttuneException;
import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.system.Callers;
import dev.attune.training.TrainingOptions;
import dev.attune.training.TrainingOptions.MetricForBest;
import dev.attune.job.JobService;
import dev.attune.finetune.FineTuningConfig;
import dev.attune.finetune.JobRequest;
import dev.attune.finetune.SubmissionChecks;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creates sweeps, all or nothing: the space expanded into trials, every trial checked as a job would be (one 400
 * listing every problem), then the sweep and every trial stored in one transaction before any is queued
 * ({@link SweepTrials} queues them as maxParallel and the queue's room allow; with no room at all the sweep is
 * refused, 429, and nothing is stored); cancels them. Reading a sweep changes nothing.
 */
@Service
class SweepService {

    private final SweepRepository sweeps;
    private final SweepTrials trials;
    private final SweepOutcome outcome;
    private final SubmissionChecks checks;
    private final JobService jobs;
    private final TransactionTemplate transactions;
    private final ObjectMapper mapper;

    SweepService(SweepRepository sweeps, SweepTrials trials, SweepOutcome outcome, SubmissionChecks checks,
            JobService jobs, TransactionTemplate transactions, ObjectMapper mapper) {
        this.sweeps = sweeps;
        this.trials = trials;
        this.outcome = outcome;
        this.checks = checks;
        this.jobs = jobs;
        this.transactions = transactions;
        this.mapper = mapper;
    }

    SweepRepository.SweepRow create(SweepRequest request) {
        List<String> problems = new ArrayList<>();
        if (request.base() == null) {
            problems.add("base: required (a job request, as POST /api/v1/jobs takes, that every trial starts from)");
        }
        List<Map<String, JsonNode>> space = SweepSpace.expand(request, problems);
        checkMetric(request, problems);
        List<FineTuningConfig> configs = resolve(request, space, problems);
        MetricForBest metric = request.metric() != null ? request.metric()
                : configs.isEmpty() ? null : configs.get(0).options().metricForBest();
        if (metric != null && !configs.isEmpty() && !metric.appliesTo(configs.get(0).options().problemType())) {
            problems.add("metric: " + metric.id() + " does not apply to " + configs.get(0).options().problemType().id());
        }
        if (request.maxParallel() != null && (request.maxParallel() < 1 || request.maxParallel() > SweepSpace.MAX_TRIALS)) {
            problems.add("maxParallel: 1 to " + SweepSpace.MAX_TRIALS + ", was " + request.maxParallel());
        }
        if (request.deploy() != null && !DeploymentService.isValidName(request.deploy())) {
            problems.add("deploy: a deployment name is " + DeploymentService.NAME_RULE + "; was '" + request.deploy() + "'");
        }
        if (!problems.isEmpty()) {
            throw InvalidInput.listing("Invalid sweep", "The sweep cannot run", problems);
        }
        jobs.checkQueueRoom(); // no room at all: refused before anything is stored
        String id = UUID.randomUUID().toString();
        String name = request.name() != null && !request.name().isBlank() ? request.name().trim()
                : "sweep of " + configs.get(0).name();
        name = name.length() > 200 ? name.substring(0, 200) : name;
        SweepRequest spec = request.resolved(metric);
        SweepRepository.SweepRow sweep = new SweepRepository.SweepRow(id, name, spec, SweepStatus.RUNNING, null, null,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), null, Callers.keyName(), null);
        String trialName = name;
        transactions.executeWithoutResult(status -> {
            sweeps.insert(sweep, mapper.writeValueAsString(spec), configs.get(0));
            for (int i = 0; i < configs.size(); i++) {
                sweeps.insertTrial(id, i + 1, mapper.writeValueAsString(space.get(i)),
                        mapper.writeValueAsString(configs.get(i).named(trialName + " · trial " + (i + 1))));
            }
        });
        trials.advance(id); // every row exists before the first trial is queued
        return get(id);
    }

    /** Every trial is judged, and keeps its checkpoint, by the sweep's metric: it is their metricForBest too. */
    private static void checkMetric(SweepRequest request, List<String> problems) {
        for (Map<String, ?> varied : java.util.Arrays.asList(request.grid(), request.random())) {
            if (varied != null && varied.containsKey("metricForBest")) {
                problems.add((varied == request.grid() ? "grid" : "random") + ".metricForBest: every trial is judged "
                        + "by the sweep's metric; set metric instead of varying metricForBest");
            }
        }
        Object base = request.base() == null ? null : request.base().get("metricForBest");
        MetricForBest named = base == null ? null
                : TrainingOptions.parse(MetricForBest.class, String.valueOf(base)).orElse(null);
        if (request.metric() != null && named != null && named != request.metric()) {
            problems.add("metric: " + request.metric().id() + " differs from base.metricForBest " + named.id()
                    + "; the sweep's metric is every trial's metricForBest: give one of them, or the same");
        }
    }

    /** Each trial's checked configuration; problems listed once each, with the trials they concern. */
    private List<FineTuningConfig> resolve(SweepRequest request, List<Map<String, JsonNode>> space, List<String> problems) {
        List<FineTuningConfig> configs = new ArrayList<>();
        Map<String, List<Integer>> trialProblems = new LinkedHashMap<>();
        for (int i = 0; i < space.size() && request.base() != null; i++) {
            ObjectNode merged = mapper.valueToTree(request.base());
            space.get(i).forEach(merged::set);
            if (request.metric() != null) {
                merged.put("metricForBest", request.metric().id());
            }
            try {
                configs.add(checks.resolve(mapper.treeToValue(merged, JobRequest.class)));
            } catch (InvalidInput e) {
                Object listed = e.properties().get("errors");
                for (Object problem : listed instanceof List<?> list ? list : List.of(e.getMessage())) {
                    trialProblems.computeIfAbsent(String.valueOf(problem), p -> new ArrayList<>()).add(i + 1);
                }
            } catch (JacksonException e) {
                trialProblems.computeIfAbsent(e.getOriginalMessage(), p -> new ArrayList<>()).add(i + 1);
            }
        }
        trialProblems.forEach((problem, which) -> problems.add(problem
                + (which.size() == space.size() ? " (every trial)" : " (trial " + join(which) + ")")));
        return configs;
    }

    SweepRepository.SweepRow get(String id) {
        return sweeps.find(id).orElseThrow(() -> NotFound.of("Sweep", id));
    }

    List<SweepRepository.SweepRow> list() {
        return sweeps.findAll();
    }

    /** Cancels every trial not yet ended; the sweep ends CANCELLED with the best trial that had succeeded. */
    SweepRepository.SweepRow cancel(String id) {
        SweepRepository.SweepRow sweep = get(id);
        if (sweep.status() == SweepStatus.RUNNING) {
            // ended first: no trial is queued after this, and one ending meanwhile cannot end it another way
            outcome.cancel(sweep);
        }
        for (SweepRepository.TrialRow trial : sweeps.trials(id)) {
            if (trial.jobId() == null || trial.ended()) {
                continue; // a trial still waiting never starts now
            }
            try {
                jobs.cancel(trial.jobId());
            } catch (AttuneException e) {
                // it ended meanwhile
            }
        }
        return get(id);
    }

    private static String join(List<Integer> trials) {
        return String.join(", ", trials.stream().map(String::valueOf).toList());
    }
}
