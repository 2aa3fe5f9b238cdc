package dev.attune.feedback;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

import dev.attune.deployment.Deployment;
import dev.attune.deployment.DeploymentService;
import dev.attune.model.ModelService;
import dev.attune.model.RegisteredModel;
import dev.attune.modeling.ProblemType;
import dev.attune.system.AttuneProperties;

import org.springframework.stereotype.Component;

/**
 * Turns one {@link FeedbackRequest} into the {@link Feedback} to store, or says what is wrong with it: the request
 * log's row for feedback by request id, the model's labels for every label. Reads only.
 */
@Component
class FeedbackChecks {

    private static final int MAX_TEXT = 1_048_576;

    /**
     * The feedback to store, or the problem that refuses it.
     *
     * @param notFound the problem is a request id the log does not hold (404 when it is the only kind)
     */
    record Checked(Feedback feedback, String problem, boolean notFound) {

        static Checked wrong(String problem) {
            return new Checked(null, problem, false);
        }
    }

    private final RequestLogRepository log;
    private final ModelService models;
    private final DeploymentService deployments;
    private final double rate;
    private final Duration retention;

    FeedbackChecks(RequestLogRepository log, ModelService models, DeploymentService deployments,
            AttuneProperties properties) {
        this.log = log;
        this.models = models;
        this.deployments = deployments;
        this.rate = properties.feedback().requestLog().rate();
        this.retention = properties.feedback().requestLog().retention();
    }

    Checked check(FeedbackRequest item) {
        List<String> labels = item.trueLabels();
        if ((item.requestId() == null) == (item.text() == null)) {
            return Checked.wrong("send \"requestId\" (an answer's requestId) or \"text\" (with \"model\" or "
                    + "\"deployment\"), one of them");
        }
        if ((item.label() == null) == (item.labels() == null || item.labels().isEmpty())) {
            return Checked.wrong("send the true label as \"label\" (or, for a multi-label model, \"labels\"), one of "
                    + "them");
        }
        if (labels.stream().anyMatch(l -> l == null || l.isBlank())) {
            return Checked.wrong("a true label is empty");
        }
        return item.requestId() != null ? byRequest(item, labels) : byText(item, labels);
    }

    private Checked byRequest(FeedbackRequest item, List<String> labels) {
        if (item.model() != null || item.deployment() != null || item.textPair() != null
                || item.saidPredicted() != null) {
            return Checked.wrong("with \"requestId\" the log knows the model, deployment, text and answer: leave out "
                    + "\"model\", \"deployment\", \"textPair\", \"predictedLabel\" and \"predictedLabels\"");
        }
        int index = item.index() == null ? 0 : item.index();
        if (index < 0) {
            return Checked.wrong("\"index\": which text of the request, 0 or more, was " + index);
        }
        String id = item.requestId();
        Optional<LoggedRequest> found = id.isBlank() || id.length() > RequestLog.MAX_REQUEST_ID
                ? Optional.empty() : log.find(id, index);
        if (found.isEmpty()) {
            int texts = index > 0 && id.length() <= RequestLog.MAX_REQUEST_ID ? log.texts(id) : 0;
            if (texts > 0) {
                return Checked.wrong("request '" + id + "' had " + texts + " text(s): \"index\" 0 to " + (texts - 1)
                        + ", was " + index);
            }
            return new Checked(null, "no served request with requestId '" + id + "'" + (index > 0 ? " and index "
                    + index : "") + " is in the request log: " + whyNotLogged(), true);
        }
        LoggedRequest logged = found.get();
        Optional<RegisteredModel> model = models.find(logged.modelId());
        String problem = labelProblem(logged.modelId(), model, labels, logged.predicted());
        if (problem != null) {
            return Checked.wrong(problem);
        }
        return new Checked(new Feedback(id, index, logged.deployment(), logged.modelId(), logged.predicted(),
                labels, correct(logged.predicted(), labels), logged.text(), logged.textPair(), logged.servedAt()),
                null, false);
    }

    private String whyNotLogged() {
        if (rate <= 0) {
            return "the request log is off (attune.feedback.request-log.rate is 0). Turn it on to give feedback by "
                    + "request id, or send the text with \"text\" and \"model\" or \"deployment\"";
        }
        return "it was not sampled (attune.feedback.request-log.rate is " + rate + "), is past the log's retention ("
                + retention + "), or never answered here; check the id, or send the text with \"text\" and \"model\" "
                + "or \"deployment\"";
    }

    private Checked byText(FeedbackRequest item, List<String> labels) {
        if (item.index() != null) {
            return Checked.wrong("\"index\" goes with \"requestId\"; with \"text\" leave it out");
        }
        if (item.text().isBlank() || item.text().length() > MAX_TEXT
                || (item.textPair() != null && (item.textPair().isBlank() || item.textPair().length() > MAX_TEXT))) {
            return Checked.wrong("\"text\" (and \"textPair\" when sent) must be non-empty and at most " + MAX_TEXT
                    + " characters");
        }
        if ((item.model() == null) == (item.deployment() == null)) {
            return Checked.wrong("with \"text\", say whose answer it corrects: \"model\" (a model id) or "
                    + "\"deployment\" (a deployment name), one of them");
        }
        String modelId = item.model();
        if (item.deployment() != null) {
            Optional<Deployment> deployment = deployments.find(item.deployment());
            if (deployment.isEmpty()) {
                return Checked.wrong("no deployment is named '" + item.deployment() + "' (GET /api/v1/deployments "
                        + "lists them)");
            }
            modelId = deployment.get().modelId();
        }
        List<String> predicted = item.saidPredicted();
        Optional<RegisteredModel> model = models.find(modelId);
        String problem = labelProblem(modelId, model, labels, predicted);
        if (problem != null) {
            return Checked.wrong(problem);
        }
        if (model.get().textPair() != (item.textPair() != null)) {
            return Checked.wrong("model " + modelId + (model.get().textPair()
                    ? " classifies sentence pairs: send \"textPair\" too" : " classifies single texts: leave out \"textPair\""));
        }
        return new Checked(new Feedback(null, null, item.deployment(), modelId, predicted, labels,
                correct(predicted, labels), item.text(), item.textPair(), Instant.now()), null, false);
    }

    /** What is wrong with the labels for this model (null: nothing), the model not registered included. */
    private static String labelProblem(String modelId, Optional<RegisteredModel> found, List<String> labels,
            List<String> predicted) {
        if (found.isEmpty()) {
            return "model " + modelId + " is not registered (deleted since it answered, or a wrong id): its labels "
                    + "cannot be checked";
        }
        RegisteredModel model = found.get();
        if (model.problemType() == ProblemType.REGRESSION) {
            return "model " + modelId + " is a regression model: feedback takes labels, and it has none";
        }
        boolean single = model.problemType() != ProblemType.MULTI_LABEL_CLASSIFICATION;
        if (single && labels.size() != 1) {
            return "model " + modelId + " gives one label per text: send one true label (\"label\"), not "
                    + labels.size();
        }
        if (single && predicted != null && predicted.size() != 1) {
            return "model " + modelId + " gives one label per text: send one \"predictedLabel\"";
        }
        for (List<String> named : predicted == null ? List.of(labels) : List.of(labels, predicted)) {
            for (String label : named) {
                if (!model.labels().contains(label)) {
                    return "label '" + label + "' is not one of model " + modelId + "'s labels " + model.labels();
                }
            }
        }
        return null;
    }

    /** Right when the answer had exactly the true labels (for one label: the same one); null when unknown. */
    private static Boolean correct(List<String> predicted, List<String> labels) {
        return predicted == null ? null : new HashSet<>(predicted).equals(new HashSet<>(labels));
    }
}
