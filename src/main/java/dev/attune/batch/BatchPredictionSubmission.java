package dev.attune.batch;

import java.util.ArrayList;
import java.util.List;

import dev.attune.dataset.Dataset;
import dev.attune.dataset.DatasetService;
import dev.attune.deployment.DeploymentService;
import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.model.ModelService;
import dev.attune.model.RegisteredModel;
import dev.attune.modeling.ProblemType;
import dev.attune.system.AttuneProperties;

import org.springframework.stereotype.Component;

/** Checks a batch-scoring request and turns it into the job's configuration (every problem listed at once). */
@Component
class BatchPredictionSubmission {

    /** A selection's seed when the request names none. */
    static final long DEFAULT_SEED = 42;

    private final DatasetService datasets;
    private final ModelService models;
    private final DeploymentService deployments;
    private final int defaultPriority;

    BatchPredictionSubmission(DatasetService datasets, ModelService models, DeploymentService deployments,
            AttuneProperties properties) {
        this.datasets = datasets;
        this.models = models;
        this.deployments = deployments;
        this.defaultPriority = properties.predictions().defaultPriority();
    }

    BatchPredictionSpec resolve(BatchPredictionRequest request) {
        List<String> problems = new ArrayList<>();
        Dataset dataset = null;
        if (request.datasetId() == null || request.datasetId().isBlank()) {
            problems.add("datasetId: required (the id of an uploaded data set)");
        } else {
            try {
                dataset = datasets.get(request.datasetId());
            } catch (NotFound e) {
                problems.add("datasetId: no data set has id '" + request.datasetId() + "'");
            }
        }
        RegisteredModel model = model(request, problems);
        if (dataset != null && model != null && dataset.hasTextPairs() != model.textPair()) {
            problems.add("datasetId: data set '" + dataset.name() + "' has " + (dataset.hasTextPairs() ? "text pairs"
                    : "single texts") + " but model '" + model.name() + "' reads " + (model.textPair() ? "text pairs"
                    : "single texts"));
        }
        Selection select = selection(request.select(), dataset, model, problems);
        if (request.priority() != null && (request.priority() < -100 || request.priority() > 100)) {
            problems.add("priority: must be between -100 and 100, was " + request.priority());
        }
        if (!problems.isEmpty()) {
            String listed = String.join("; ", problems);
            throw new InvalidInput("Invalid batch prediction", "The batch prediction cannot run: " + listed
                    + ". Correct these fields and submit again.").with("errors", problems);
        }
        String name = "scoring " + dataset.name() + " with " + model.name();
        // A batch prediction is short (seconds to minutes) next to a training run (minutes to hours): by default it
        // ranks above training jobs' default priority, so it is claimed before every queued training job of default
        // priority and waits at most for a running job to end, never behind the whole training queue. A running
        // training job is not preempted; a training job submitted with a higher priority still goes first.
        int priority = request.priority() == null ? defaultPriority : request.priority();
        return new BatchPredictionSpec(dataset.id(), name.length() > 255 ? name.substring(0, 255) : name, priority,
                new BatchScoring(model.id(), request.deployment(), request.longText()), select);
    }

    /** The selection asked for, resolved (seed 42 by default); null without one, or with a problem. */
    private static Selection selection(BatchPredictionRequest.SelectRequest asked, Dataset dataset,
            RegisteredModel model, List<String> problems) {
        if (asked == null) {
            return null;
        }
        int before = problems.size();
        SelectionStrategy strategy = SelectionStrategy.parse(asked.strategy());
        if (asked.strategy() == null || asked.strategy().isBlank()) {
            problems.add("select.strategy: required, one of " + SelectionStrategy.ids());
        } else if (strategy == null) {
            problems.add("select.strategy: unknown strategy '" + asked.strategy() + "'; use one of "
                    + SelectionStrategy.ids());
        } else if (strategy.needsProbabilities() && model != null && model.problemType() == ProblemType.REGRESSION) {
            problems.add("select.strategy: " + strategy.id() + " ranks rows by the model's class probabilities, but "
                    + "model '" + model.name() + "' is a regression (it predicts a number, no probabilities): margin, "
                    + "entropy and least_confidence do not apply; use random, or a classifier");
        }
        if (asked.count() == null) {
            problems.add("select.count: required, the number of rows to select (1 to the data set's rows)");
        } else if (asked.count() < 1 || (dataset != null && asked.count() > dataset.rowCount())) {
            problems.add("select.count: must be between 1 and " + (dataset == null ? "the data set's rows"
                    : "the data set's " + dataset.rowCount() + " rows") + ", was " + asked.count());
        }
        return problems.size() > before ? null
                : new Selection(strategy, asked.count(), asked.seed() == null ? DEFAULT_SEED : asked.seed());
    }

    /** The model the request names, directly or through a deployment; null (with a problem) when none. */
    private RegisteredModel model(BatchPredictionRequest request, List<String> problems) {
        boolean byModel = request.modelId() != null && !request.modelId().isBlank();
        boolean byDeployment = request.deployment() != null && !request.deployment().isBlank();
        if (byModel == byDeployment) {
            problems.add("modelId: name exactly one of modelId and deployment");
            return null;
        }
        String modelId = request.modelId();
        if (byDeployment) {
            try {
                modelId = deployments.get(request.deployment()).modelId();
            } catch (NotFound e) {
                problems.add("deployment: no deployment is named '" + request.deployment() + "'");
                return null;
            }
        }
        RegisteredModel model = models.find(modelId).orElse(null);
        if (model == null) {
            problems.add("modelId: no model has id '" + modelId + "'");
        }
        return model;
    }
}
