package dev.attune.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import dev.attune.dataset.Dataset;
import dev.attune.dataset.DatasetService;
import dev.attune.errors.AttuneException;
import dev.attune.errors.Conflict;
import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.errors.Overloaded;
import dev.attune.finetune.FineTuningConfig;
import dev.attune.finetune.JobRequest;
import dev.attune.finetune.SubmissionChecks;
import dev.attune.job.JobService;
import dev.attune.modeling.ProblemType;
import dev.attune.system.AttuneProperties;
import dev.attune.system.Callers;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Creates audits, all or nothing: the request checked as a job would be (one 400 listing every problem), then the
 * audit, its fold jobs and their links stored in one transaction and queued together; a queue without room for every
 * fold refuses the audit (429, nothing stored). Cancels them: the audit ends CANCELLED, then its unfinished folds.
 */
@Service
class AuditService {

    static final int DEFAULT_FOLDS = 5;
    /** Audit fields that are not job options; the rest of the body is a job request. */
    private static final List<String> OWN_FIELDS = List.of("folds", "rankBy", "name");
    private static final List<String> NOT_FOR_AUDITS = List.of("validationDatasetId", "testDatasetId");

    private final DatasetService datasets;
    private final SubmissionChecks checks;
    private final JobService jobs;
    private final AuditRepository audits;
    private final TransactionTemplate transactions;
    private final ObjectMapper mapper;
    private final int maxQueued;

    AuditService(DatasetService datasets, SubmissionChecks checks, JobService jobs, AuditRepository audits,
            TransactionTemplate transactions, ObjectMapper mapper, AttuneProperties properties) {
        this.datasets = datasets;
        this.checks = checks;
        this.jobs = jobs;
        this.audits = audits;
        this.transactions = transactions;
        this.mapper = mapper;
        this.maxQueued = properties.jobs().maxQueued();
    }

    AuditRepository.AuditRow create(String datasetId, JsonNode body) {
        Dataset dataset = datasets.get(datasetId); // 404 for an unknown data set
        ObjectNode request = body != null && body.isObject() ? ((ObjectNode) body).deepCopy() : mapper.createObjectNode();
        List<String> problems = new ArrayList<>();
        int folds = request.has("folds") ? folds(request.get("folds"), problems) : DEFAULT_FOLDS;
        ConfidentLearning.RankBy rankBy = rankBy(request.get("rankBy"), problems);
        String name = request.hasNonNull("name") ? request.get("name").asString().trim() : "";
        checkDataset(dataset, folds, problems);
        OWN_FIELDS.forEach(request::remove);
        for (String field : NOT_FOR_AUDITS) {
            if (request.hasNonNull(field)) {
                problems.add(field + ": an audit validates each fold on a share of its own training rows "
                        + "(validationSplit) and scores the held-out fold; leave " + field + " out");
            }
        }
        if (request.hasNonNull("datasetId") && !datasetId.equals(request.get("datasetId").asString())) {
            problems.add("datasetId: the audit's data set is the one in the path (" + datasetId + "); leave it out");
        }
        request.put("datasetId", datasetId);
        FineTuningConfig training = resolve(request, problems);
        if (training != null && training.options().problemType() != ProblemType.SINGLE_LABEL_CLASSIFICATION) {
            problems.add("problemType: an audit checks one label per row (single_label_classification), not "
                    + training.options().problemType().id());
        }
        if (!problems.isEmpty()) {
            datasets.get(datasetId); // a data set deleted since the first look is a 404, not a problem of the request
            throw InvalidInput.listing("Invalid audit", "The audit cannot run", problems);
        }
        if (jobs.queued() + folds > maxQueued) { // every fold queued at once, or none
            throw new Overloaded("Queue full", "An audit of " + folds + " folds needs room for " + folds
                    + " jobs, but " + jobs.queued() + " of attune.jobs.max-queued " + maxQueued
                    + " wait already; nothing was stored. Retry later, or cancel queued jobs.").retryAfter(60);
        }
        String id = UUID.randomUUID().toString();
        String auditName = name.isEmpty() ? "label audit of " + dataset.name() : name;
        auditName = auditName.length() > 200 ? auditName.substring(0, 200) : auditName;
        AuditRepository.AuditRow audit = new AuditRepository.AuditRow(id, datasetId, auditName, AuditStatus.RUNNING,
                folds, rankBy, List.copyOf(dataset.labels().keySet()), training, null, null,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), null, Callers.keyName());
        String foldName = auditName;
        try {
            transactions.executeWithoutResult(status -> {
                if (!datasets.lockForUse(datasetId)) {
                    throw new DataIntegrityViolationException("data set " + datasetId + " deleted"); // answered below
                }
                audits.insert(audit);
                for (int fold = 0; fold < folds; fold++) {
                    String jobId = UUID.randomUUID().toString();
                    jobs.insertQueued(jobId, new AuditFoldSpec(id, fold, folds, foldName + " · fold " + (fold + 1)
                            + "/" + folds, training), audit.submittedBy(), null);
                    audits.insertFold(id, fold, jobId);
                }
            });
        } catch (DataIntegrityViolationException e) {
            // the data set was deleted between the checks above and this insert (a foreign key)
            throw new Conflict("Data set deleted", "Data set " + datasetId + " "
                    + "was deleted while the audit was being created; nothing was stored. Upload it again, or pick "
                    + "another, and retry.");
        }
        jobs.wake();
        return get(datasetId, id);
    }

    /** A data set an audit can read: one label per row, two classes or more, each with a row in every fold. */
    private static void checkDataset(Dataset dataset, int folds, List<String> problems) {
        if (dataset.suggestedProblemType() == ProblemType.REGRESSION) {
            problems.add("datasetId: data set '" + dataset.name() + "' is a regression data set (its labels are numbers, "
                    + "e.g. scores): an audit finds rows whose class looks wrong, and needs class labels");
            return;
        }
        if (dataset.multiLabelRows() > 0) {
            problems.add("datasetId: " + dataset.multiLabelRows() + " rows of data set '" + dataset.name() + "' have "
                    + "several labels; audits check one label per row");
            return;
        }
        if (dataset.labels().size() < 2) {
            problems.add("datasetId: data set '" + dataset.name() + "' has " + (dataset.labels().isEmpty() ? "no labels"
                    : "one class " + dataset.labels().keySet()) + "; an audit needs two classes or more");
            return;
        }
        Collection<Integer> counts = dataset.labels().values();
        int smallest = counts.stream().mapToInt(Integer::intValue).min().orElse(0);
        String rarest = dataset.labels().entrySet().stream().filter(e -> e.getValue() == smallest).findFirst()
                .map(e -> e.getKey()).orElse("");
        if (folds >= 2 && folds > smallest) {
            problems.add("folds: at most " + smallest + ", the rows of the smallest class ('" + rarest + "'), so that "
                    + "every fold holds a row of every class; was " + folds);
        }
    }

    private static int folds(JsonNode value, List<String> problems) {
        if (!value.isIntegralNumber() || value.asInt() < 2 || value.asInt() > 20) {
            problems.add("folds: a whole number from 2 to 20, was " + value);
            return DEFAULT_FOLDS;
        }
        return value.asInt();
    }

    private static ConfidentLearning.RankBy rankBy(JsonNode value, List<String> problems) {
        if (value == null || value.isNull()) {
            return ConfidentLearning.RankBy.SELF_CONFIDENCE;
        }
        try {
            return ConfidentLearning.RankBy.valueOf(value.asString().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add("rankBy: self_confidence or normalized_margin, was " + value);
            return ConfidentLearning.RankBy.SELF_CONFIDENCE;
        }
    }

    /** The fine-tuning every fold runs, checked as a job request; its problems added, null when there are any. */
    private FineTuningConfig resolve(ObjectNode request, List<String> problems) {
        try {
            return checks.resolve(mapper.treeToValue(request, JobRequest.class));
        } catch (InvalidInput e) {
            Object listed = e.properties().get("errors");
            for (Object problem : listed instanceof List<?> list ? list : List.of(e.getMessage())) {
                problems.add(String.valueOf(problem));
            }
        } catch (JacksonException e) {
            problems.add(e.getOriginalMessage());
        }
        return null;
    }

    AuditRepository.AuditRow get(String datasetId, String id) {
        return audits.find(id).filter(a -> a.datasetId().equals(datasetId)).orElseThrow(() -> NotFound.of("Audit", id));
    }

    List<AuditRepository.AuditRow> list(String datasetId) {
        datasets.get(datasetId);
        return audits.findByDataset(datasetId);
    }

    /** Ends a running audit CANCELLED, then cancels its folds not yet ended. */
    AuditRepository.AuditRow cancel(String datasetId, String id) {
        AuditRepository.AuditRow audit = get(datasetId, id);
        if (audit.status() != AuditStatus.RUNNING) {
            throw new Conflict("Audit already finished", "Audit " + id + " is " + audit.status()
                    + "; only a RUNNING audit can be cancelled.");
        }
        audits.finish(id, AuditStatus.CANCELLED, null, "cancelled", List.of());
        cancelFolds(id);
        return get(datasetId, id);
    }

    /** Cancels every fold job of the audit that has not ended. */
    void cancelFolds(String id) {
        for (AuditRepository.FoldRow fold : audits.folds(id)) {
            if (fold.status() != null && !fold.status().isFinal()) {
                try {
                    jobs.cancel(fold.jobId());
                } catch (AttuneException e) {
                    // it ended meanwhile
                }
            }
        }
    }
}
