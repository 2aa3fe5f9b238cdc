package dev.attune.serving;

import dev.attune.deployment.Deployment;
import dev.attune.errors.NotFound;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import dev.attune.system.ProblemResponses;

import jakarta.validation.Valid;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Predict", description = "Sentiment (or any trained labels) from the best model")
@RestController
class PredictController {

    private final PredictService predictions;
    private final ServingModels serving;

    PredictController(PredictService predictions, ServingModels serving) {
        this.predictions = predictions;
        this.serving = serving;
    }

    @Operation(operationId = "predict", summary = "Classify text with the serving model", description = "Body {\"text\": \"...\"} or "
            + "{\"texts\": [\"...\", ...]}; for a sentence-pair model (\"textPair\": true) {\"text\": \"...\", \"textPair\": \"...\"} "
            + "or {\"pairs\": [[\"...\", \"...\"], ...]}; optional \"model\": \"<id>\" or \"deployment\": \"<name>\" (default: the "
            + "deployment named default when one exists, else the best model; a deployment's canary answers its share "
            + "of requests). The answer names the model (and deployment) that produced it. One prediction per text, in order; "
            + "texts longer than the model's maxLength tokens are truncated (\"truncated\": true). "
            + "Concurrent requests are batched together. 503 when no model exists. With \"explain\": true (at most "
            + "attune.predict.explain.max-texts texts or pairs) each prediction carries an \"explanation\": every word's "
            + "integrated-gradients attribution toward the predicted label (or \"explainLabel\"), with character offsets "
            + "into the text as sent; see docs/explain.md.")
    @PostMapping(path = "/predict", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ProblemResponses({413, 503})
    PredictResponse predict(@Valid @RequestBody PredictRequest body,
            @Parameter(description = "Optional: the same id always falls on the same side of a deployment's canary "
                    + "(without one, the canary's share is drawn at random); echoed as the answer's requestId, else one is made")
            @RequestHeader(name = "X-Request-Id", required = false) String requestId) {
        return predictions.predict(body, null, requestId);
    }

    @Operation(operationId = "predictWithModel", summary = "Classify text with one model",
            description = "As POST /predict, answered by this model whatever the deployments say. Naming a model can load "
                    + "it, so with API keys on this needs the scope attune.predict.by-model-scope (read).")
    @PostMapping(path = "/api/v1/models/{id}/predict", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ProblemResponses({413, 503})
    PredictResponse predictWith(@PathVariable String id, @Valid @RequestBody PredictRequest body,
            @Parameter(description = "Optional: the request's id, echoed in the answer (else one is made)")
            @RequestHeader(name = "X-Request-Id", required = false) String requestId) {
        return predictions.predict(body, id, requestId);
    }

    /**
     * Which model answers /predict.
     *
     * @param modelId the serving model's id; null while the first one loads
     * @param reason why it serves: promoted, best validation score among fine-tuned models, most recently imported
     * @param state "serving", or "switching" while a change of models (import, promotion, deletion) is
     *     applied: the model named may be about to be replaced
     * @param engine what runs it: "onnxruntime int8", "onnxruntime fp32", "libtorch bf16"...; null while loading
     * @param engineReason why that engine and precision (attune.predict.precision, and for auto the model's
     *     measured int8 cost)
     * @param deployment "default" when the deployment of that name answers /predict calls that name nothing
     *     (a promotion moves it); null when the best (or promoted) model answers them directly
     * @param canary the default deployment's canary, which answers its share of those calls; null: none
     * @param keptModels the other models loaded on this node: those deployments and canaries use (pinned) and
     *     those asked for by id, kept within attune.predict.kept-models-memory (budgetBytes; usedBytes counts
     *     the unpinned ones)
     */
    record ServingStatus(String modelId, String reason, String state, String engine, String engineReason,
            String deployment, Deployment.Canary canary, KeptPredictors.KeptModels keptModels) {
    }

    @Operation(operationId = "getServing", summary = "Which model serves /predict, and why",
            description = "What answers a /predict that names nothing on this node, why, in which engine and precision, "
                    + "and the other models it keeps loaded (pinned for deployments, or within "
                    + "attune.predict.kept-models-memory).")
    @GetMapping("/api/v1/serving")
    ServingStatus serving() {
        ServingChoice choice = serving.choice();
        boolean switching = serving.switching();
        if (choice == null && !switching) {
            throw new NotFound("No model to serve", "No classifier is registered. "
                    + "Import one or fine-tune one.");
        }
        String[] engine = serving.servingEngine();
        return choice == null ? new ServingStatus(null, "loading", "switching", null, null, null, null, serving.kept())
                : new ServingStatus(choice.modelId(), choice.reason(), switching ? "switching" : "serving",
                        engine == null ? null : engine[0], engine == null ? null : engine[1], choice.deployment(),
                        choice.canary(), serving.kept());
    }
}
