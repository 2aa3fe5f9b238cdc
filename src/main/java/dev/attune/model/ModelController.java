package dev.attune.model;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import dev.attune.modeling.ServingPrecision;
import dev.attune.system.ProblemResponses;
import jakarta.validation.Valid;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@Tag(name = "Models", description = "Import fine-tuned Hugging Face classifiers, list them, export them")
@RestController
@RequestMapping("/api/v1/models")
class ModelController {

    private final ModelService models;
    private final ModelDownloads downloads;

    ModelController(ModelService models, ModelDownloads downloads) {
        this.models = models;
        this.downloads = downloads;
    }

    @Operation(operationId = "importModel", summary = "Import a fine-tuned classifier", description = "source: an absolute path under "
            + "attune.models.import-roots, or a Hub id org/name[@revision] (downloaded into the Hub cache). The "
            + "checkpoint needs config.json with id2label, model.safetensors and tokenizer.json. A PEFT LoRA adapter "
            + "directory (adapter_config.json, adapter_model.safetensors with its trained head) is registered over its "
            + "base: baseModel, else its base_model_name_or_path; a base that is a path or a Hub snapshot is kept in the "
            + "data directory (shared by the adapters of the same base).")
    @PostMapping(path = "/import", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @ProblemResponses({403, 409, 422, 502})
    ResponseEntity<ModelResponse> importModel(@Valid @RequestBody ImportModelRequest request) throws IOException {
        RegisteredModel model = models.importModel(request.source(), request.name(), request.revision(),
                request.servingPrecision(), request.textPair(), request.baseModel());
        return ResponseEntity.created(URI.create("/api/v1/models/" + model.id())).body(ModelResponse.of(model));
    }

    @Operation(operationId = "listModels", summary = "List models, newest first",
            description = "Every registered model: architecture, labels, origin, training, metrics and serving precision.")
    @GetMapping
    List<ModelResponse> list() {
        return models.list().stream().map(ModelResponse::of).toList();
    }

    @Operation(operationId = "getModel", summary = "One model",
            description = "Its architecture, labels, problem type, origin, training (strategy, adapter), metrics and "
                    + "serving precision.")
    @GetMapping("/{id}")
    ModelResponse get(@PathVariable String id) {
        return ModelResponse.of(models.get(id));
    }

    /**
     * A model's own serving precision.
     *
     * @param precision auto, fp32, int8 or bf16; null: follow the node's attune.predict.precision again
     */
    record ServingPrecisionRequest(@Schema(example = "int8") ServingPrecision precision) {
    }

    @Operation(operationId = "setServingPrecision", summary = "Serve this model in a precision of its own",
            description = "Overrides attune.predict.precision for this model (e.g. int8 for a fine-tuned model whose "
                    + "metrics.quantization shows what int8 costs it); null returns it to the node's setting. A serving "
                    + "node reloads it in the background. A LoRA model on a CPU serves in ONNX Runtime merged into its "
                    + "base (fp32, int8), reading the base's untouched weights from one copy its other adapters share; "
                    + "in bf16, or on a GPU, over its shared base in libtorch.")
    @PutMapping(path = "/{id}/serving-precision", consumes = MediaType.APPLICATION_JSON_VALUE)
    ModelResponse setServingPrecision(@PathVariable String id, @Valid @RequestBody ServingPrecisionRequest request) {
        return ModelResponse.of(models.setServingPrecision(id, request.precision()));
    }

    @Operation(operationId = "promoteModel", summary = "Serve this model", description = "Makes the model the one POST /predict answers from "
            + "when a request names no model or deployment, until another is promoted. When a deployment named "
            + "\"default\" exists (it answers those requests), the promotion moves it to this model (ending its canary), "
            + "recorded in its history as \"promoted\"; GET /api/v1/serving names what answers either way. The model is "
            + "loaded in the background and swapped in without dropping requests.")
    @PostMapping("/{id}/promote")
    ModelResponse promote(@PathVariable String id) {
        models.promote(id);
        return ModelResponse.of(models.get(id));
    }

    @Operation(operationId = "deleteModel", summary = "Delete a model and its files",
            description = "Removes the record, its files and its cached downloads. Refused (409, naming them) while a job, "
                    + "sweep, deployment or LoRA adapter still needs it.")
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @ProblemResponses(409)
    void delete(@PathVariable String id) {
        models.delete(id);
    }

    @Operation(operationId = "downloadModel", summary = "Download as a Hugging Face checkpoint or an ONNX graph (zip)",
            description = "format=checkpoint (default): config.json (architectures, id2label, label2id), model.safetensors "
                    + "(F32, HF names) and the tokenizer files: loads with transformers' "
                    + "AutoModelForSequenceClassification.from_pretrained on the unzipped directory. format=onnx: "
                    + "onnx/model.onnx (opset 17; inputs input_ids, attention_mask and, for BERT, token_type_ids, as "
                    + "optimum names them; dynamic batch and sequence axes; output logits) with config.json, "
                    + "tokenizer.json and tokenizer_config.json: the unzipped directory loads in transformers.js "
                    + "(pipeline('text-classification', dir)) and optimum (ORTModelForSequenceClassification). "
                    + "format=onnx-int8: onnx/model_quantized.onnx, the same graph with the encoder's linear layers "
                    + "dynamically quantized to int8 (transformers.js: dtype q8). "
                    + "A LoRA model's checkpoint and ONNX downloads have its adapter merged into the base's weights; "
                    + "format=peft (LoRA models only): adapter_config.json (base_model_name_or_path: the base's Hub id, "
                    + "else its registered name) and adapter_model.safetensors, which PEFT's "
                    + "PeftModel.from_pretrained loads over the base, with config.json and the tokenizer files. "
                    + "ONNX and merged downloads are built once and then served from a cache; while "
                    + "attune.models.max-download-builds builds run, another one not built yet is 429 with Retry-After.")
    @GetMapping(path = "/{id}/download", produces = "application/zip")
    @ApiResponse(responseCode = "200", description = "A zip of the checkpoint's files.", content = @Content(
            mediaType = "application/zip", schema = @Schema(type = "string", format = "binary")))
    @ProblemResponses({400, 429})
    ResponseEntity<StreamingResponseBody> download(@PathVariable String id,
            @RequestParam(defaultValue = "checkpoint") String format) throws IOException {
        ModelDownloads.Download download = downloads.download(id, format);
        ResponseEntity.BodyBuilder response = ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(download.fileName()).build().toString())
                .contentType(MediaType.parseMediaType("application/zip"));
        if (download.length() >= 0) {
            response.contentLength(download.length());
        }
        return response.body(download.body()::writeTo);
    }
}
