package dev.attune.feedback;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.attune.dataset.Dataset;
import dev.attune.dataset.DatasetRow;
import dev.attune.dataset.DatasetService;
import dev.attune.deployment.DeploymentService;
import dev.attune.errors.InvalidInput;
import dev.attune.errors.NotFound;
import dev.attune.model.ModelService;
import dev.attune.model.RegisteredModel;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A data set from feedback: each correction with a known text as a row (its text, its true labels), oldest answer
 * first, optionally after the training rows; made through {@link DatasetService#createFrom} as a version of the data
 * set the model was fine-tuned on (or one named), so that it is that data set's kind and a job can train on it.
 */
@Component
class FeedbackDatasets {

    private final FeedbackRepository feedback;
    private final DatasetService datasets;
    private final ModelService models;
    private final DeploymentService deployments;
    private final JdbcClient jdbc;

    FeedbackDatasets(FeedbackRepository feedback, DatasetService datasets, ModelService models,
            DeploymentService deployments, JdbcClient jdbc) {
        this.feedback = feedback;
        this.datasets = datasets;
        this.models = models;
        this.deployments = deployments;
        this.jdbc = jdbc;
    }

    FeedbackDataset create(FeedbackDatasetRequest request) throws IOException {
        if (request == null || (request.model() == null) == (request.deployment() == null)) {
            throw new InvalidInput("Invalid feedback data set", "Say whose feedback: \"model\" (a model id) or "
                    + "\"deployment\" (a deployment name), one of them.");
        }
        String modelId = request.model() != null ? models.get(request.model()).id()
                : deployments.get(request.deployment()).modelId();
        Dataset parent = datasets.get(parentId(request, modelId));
        List<DatasetRow> rows = new ArrayList<>();
        int training = 0;
        if (Boolean.TRUE.equals(request.includeTrainingRows())) {
            rows.addAll(datasets.allRows(parent.id()));
            training = rows.size();
        }
        int withoutText = 0;
        for (Feedback row : feedback.rows(request.deployment(), request.model(), request.since())) {
            if (row.text() == null) {
                withoutText++;
            } else {
                rows.add(new DatasetRow(rows.size(), row.text(), row.textPair(), row.labels()));
            }
        }
        int fromFeedback = rows.size() - training;
        if (fromFeedback == 0) {
            throw new InvalidInput("No feedback to make a data set of", "No feedback with a known text on "
                    + (request.model() != null ? "model " + request.model() : "deployment " + request.deployment())
                    + (request.since() != null ? " since " + request.since() : "") + (withoutText > 0 ? " (" + withoutText
                    + " without one: the request log kept no texts; turn on attune.feedback.request-log.store-texts, "
                    + "or send feedback with \"text\")" : "") + ". Send feedback first (POST /api/v1/feedback).");
        }
        Dataset created = datasets.createFrom(parent.id(), request.name(), rows);
        return new FeedbackDataset(created.id(), created.name(), created.rowCount(), created.labels(), parent.id(),
                fromFeedback, training, withoutText);
    }

    /** The named data set, else the one the model's fine-tuning job trained on. */
    private String parentId(FeedbackDatasetRequest request, String modelId) {
        if (request.datasetId() != null) {
            return request.datasetId();
        }
        RegisteredModel model = models.get(modelId);
        Optional<String> trainedOn = model.jobId() == null ? Optional.empty()
                : jdbc.sql("SELECT dataset_id FROM job WHERE id = ?").param(model.jobId()).query(String.class).optional();
        if (trainedOn.isEmpty() || !exists(trainedOn.get())) {
            throw new InvalidInput("No data set to version", "Model " + modelId + (model.jobId() == null
                    ? " was imported, not fine-tuned here" : "'s training data set is gone") + ": name the data set "
                    + "the feedback rows become a version of with \"datasetId\" (its kind and columns, and with "
                    + "includeTrainingRows its rows, come first).");
        }
        return trainedOn.get();
    }

    private boolean exists(String datasetId) {
        try {
            datasets.get(datasetId);
            return true;
        } catch (NotFound e) {
            return false;
        }
    }
}
