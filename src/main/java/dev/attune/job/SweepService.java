package dev.attune.job;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.attune.errors.AttuneException;
import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.training.TrainingOptions.MetricForBest;

import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creates sweeps: the space expanded into trials, every trial checked as a job would be (one 400 listing every
 * problem), then each queued as an ordinary job carrying the sweep's id; cancels them.
 */
@Service
class SweepService {

    private final SweepRepository sweeps;
    private final SweepTrials trials;
    private final SubmissionChecks checks;
    private final JobService jobs;
    private final ObjectMapper mapper;

    SweepService(SweepRepository sweeps, SweepTrials trials, SubmissionChecks checks, JobService jobs,
            ObjectMapper mapper) {
        this.sweeps = sweeps;
        this.trials = trials;
        this.checks = checks;
        this.jobs = jobs;
        this.mapper = mapper;
    }

    SweepRepository.SweepRow create(SweepRequest request) {
        List<String> problems = new ArrayList<>();
        if (request.base() == null) {
            problems.add("base: required (a job request, as POST /api/v1/jobs takes, that every trial starts from)");
        }
        List<Map<String, JsonNode>> space = SweepSpace.expand(request, problems);
        List<JobConfig> configs = new ArrayList<>();
        Map<String, List<Integer>> trialProblems = new LinkedHashMap<>();
        for (int i = 0; i < space.size() && request.base() != null; i++) {
            ObjectNode merged = mapper.valueToTree(request.base());
            space.get(i).forEach(merged::set);
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
        MetricForBest metric = request.metric() != null ? request.metric()
                : configs.isEmpty() ? null : configs.get(0).options().metricForBest();
        if (metric != null && !configs.isEmpty() && !metric.appliesTo(configs.get(0).options().problemType())) {
            problems.add("metric: " + metric.id() + " does not apply to " + configs.get(0).options().problemType().id());
        }
        if (request.maxParallel() != null && (request.maxParallel() < 1 || request.maxParallel() > SweepSpace.MAX_TRIALS)) {
            problems.add("maxParallel: 1 to " + SweepSpace.MAX_TRIALS + ", was " + request.maxParallel());
        }
        if (!problems.isEmpty()) {
            throw new InvalidInput("Invalid sweep", "The sweep cannot run: " + String.join("; ", problems)
                    + ". Correct these and submit again.").with("errors", problems);
        }
        String id = UUID.randomUUID().toString();
        String name = request.name() != null && !request.name().isBlank() ? request.name().trim()
                : "sweep of " + configs.get(0).name();
        ObjectNode spec = mapper.valueToTree(request);
        spec.put("metric", metric.id());
        spec.put("scheduler", request.scheduler() == null ? "none" : request.scheduler().id());
        sweeps.insert(id, name.length() > 200 ? name.substring(0, 200) : name, mapper.writeValueAsString(spec),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        int atOnce = request.maxParallel() == null ? configs.size() : request.maxParallel();
        for (int i = 0; i < configs.size(); i++) {
            JobConfig config = configs.get(i).named(name + " · trial " + (i + 1));
            if (i < atOnce) {
                Job job = jobs.enqueue(config, id);
                sweeps.insertTrial(id, i + 1, job.id(), mapper.writeValueAsString(space.get(i)));
            } else { // queued by SweepTrials as earlier trials end
                sweeps.insertPending(id, i + 1, mapper.writeValueAsString(space.get(i)), mapper.writeValueAsString(config));
            }
        }
        return sweeps.find(id).orElseThrow();
    }

    SweepRepository.SweepRow get(String id) {
        SweepRepository.SweepRow sweep = sweeps.find(id).orElseThrow(() -> NotFound.of("Sweep", id));
        if ("RUNNING".equals(sweep.status())) {
            trials.trialEnded(id); // ends one whose last trial ended without telling it (failed over, taken back)
            sweep = sweeps.find(id).orElseThrow();
        }
        return sweep;
    }

    List<SweepRepository.SweepRow> list() {
        return sweeps.findAll();
    }

    /** Cancels every trial not yet ended; the sweep ends CANCELLED with the best trial that had succeeded. */
    SweepRepository.SweepRow cancel(String id) {
        SweepRepository.SweepRow sweep = get(id);
        if ("RUNNING".equals(sweep.status())) {
            // ended first, so that a trial ending while it is cancelled cannot end the sweep another way
            List<Job> all = sweeps.trials(id).stream().filter(t -> t.jobId() != null).map(t -> jobs.get(t.jobId()))
                    .toList(); // a trial still waiting for maxParallel never starts now
            trials.finish(sweep, all, "CANCELLED");
        }
        for (SweepRepository.TrialRow trial : sweeps.trials(id)) {
            if (trial.jobId() == null) {
                continue;
            }
            try {
                jobs.cancel(trial.jobId());
            } catch (AttuneException e) {
                // already ended
            }
        }
        return sweeps.find(id).orElseThrow();
    }

    private static String join(List<Integer> trials) {
        return String.join(", ", trials.stream().map(String::valueOf).toList());
    }
}
